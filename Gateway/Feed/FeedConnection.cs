using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Gateway.Feed;

/// <summary>
/// One hub connection's feed: what its key may see, what it subscribed to, and a bounded queue drained by
/// its own sender. A client that stops reading fills only its own queue and is disconnected when it
/// overflows; nobody else waits for it.
/// </summary>
public sealed class FeedConnection
{
    private readonly Channel<(string Name, JsonElement Payload)> queue;
    private readonly HubCallerContext context;

    public FeedConnection(HubCallerContext context, long? scopeClientId, int queueCapacity)
    {
        this.context = context;
        ScopeClientId = scopeClientId;
        queue = Channel.CreateBounded<(string, JsonElement)>(
            new BoundedChannelOptions(queueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    public string Id => context.ConnectionId;

    public long? ScopeClientId { get; }

    public FeedFilter? Subscription { get; set; }

    public bool Allows(FeedEvent feedEvent)
    {
        if (ScopeClientId is { } scope && feedEvent.ClientId != scope)
        {
            return false;
        }

        if (Subscription is not { } filter)
        {
            return true;
        }

        return (filter.ClientId is null || filter.ClientId == feedEvent.ClientId)
            && (filter.ServiceId is null || filter.ServiceId == feedEvent.ServiceId);
    }

    /// <summary>Queues an event; false (and the connection is aborted) when the client has fallen too far behind.</summary>
    public bool TryEnqueue(string name, JsonElement payload)
    {
        if (queue.Writer.TryWrite((name, payload)))
        {
            return true;
        }

        queue.Writer.TryComplete();
        context.Abort();
        return false;
    }

    public void Close() => queue.Writer.TryComplete();

    /// <summary>Sends queued events in order until the connection closes.</summary>
    public async Task PumpAsync(IHubContext<FeedHub> hub)
    {
        var client = hub.Clients.Client(Id);
        var aborted = context.ConnectionAborted;
        try
        {
            await foreach (var (name, payload) in queue.Reader.ReadAllAsync(aborted))
            {
                await client.SendAsync(name, payload, aborted);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
