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
    private readonly Channel<QueuedEvent> queue;
    private readonly HubCallerContext context;
    private volatile FeedFilter? subscription;

    public FeedConnection(HubCallerContext context, long? scopeClientId, int queueCapacity, long? pageId = null, IReadOnlySet<long>? pageServices = null)
    {
        this.context = context;
        ScopeClientId = scopeClientId;
        PageId = pageId;
        PageServices = pageServices;
        queue = Channel.CreateBounded<QueuedEvent>(
            new BoundedChannelOptions(queueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    public string Id => context.ConnectionId;

    public long? ScopeClientId { get; }

    /// <summary>
    /// For a status page's connection, the page's services: it gets only their events, as <see cref="PageEvents"/>
    /// projects them, and cannot subscribe to anything else. Null for a key's connection.
    /// </summary>
    public IReadOnlySet<long>? PageServices { get; }

    /// <summary>The status page a page's connection follows; null for a key's connection.</summary>
    public long? PageId { get; }

    /// <summary>Ends the connection (its page changed: the script reconnects and is judged again).</summary>
    public void Abort()
    {
        queue.Writer.TryComplete();
        context.Abort();
    }

    public FeedFilter? Subscription => subscription;

    public bool Allows(FeedEvent feedEvent) => Allows(feedEvent.ClientId, feedEvent.ServiceId);

    /// <summary>
    /// Narrows (or, with null, widens) the feed. Completes once every event queued before the change has been
    /// sent or dropped, so nothing sent after the hub answers the call falls outside the new subscription.
    /// </summary>
    public Task SubscribeAsync(FeedFilter? filter)
    {
        subscription = filter;
        var applied = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // A full queue means the client is about to be dropped; there is nothing to wait for then.
        return queue.Writer.TryWrite(new QueuedEvent(null, default, null, null, applied)) ? applied.Task : Task.CompletedTask;
    }

    /// <summary>Queues an event; false (and the connection is aborted) when the client has fallen too far behind.</summary>
    public bool TryEnqueue(FeedEvent feedEvent, JsonElement payload)
    {
        if (queue.Writer.TryWrite(new QueuedEvent(feedEvent.Name, payload, feedEvent.ClientId, feedEvent.ServiceId, null)))
        {
            return true;
        }

        queue.Writer.TryComplete();
        context.Abort();
        return false;
    }

    public void Close() => queue.Writer.TryComplete();

    /// <summary>Sends queued events in order until the connection closes, each checked again against the subscription of the moment.</summary>
    public async Task PumpAsync(IHubContext<FeedHub> hub)
    {
        var client = hub.Clients.Client(Id);
        var aborted = context.ConnectionAborted;
        try
        {
            await foreach (var item in queue.Reader.ReadAllAsync(aborted))
            {
                if (item.Applied is { } applied)
                {
                    applied.TrySetResult();
                }
                else if (Allows(item.ClientId, item.ServiceId))
                {
                    await client.SendAsync(item.Name!, item.Payload, aborted);
                }
            }
        }
        catch (Exception)
        {
            // Cancelled, or the transport failed: either way this connection is done.
            context.Abort();
        }
        finally
        {
            // No more writes once the sender stops; Subscribe calls still waiting are answered rather than left hanging.
            queue.Writer.TryComplete();
            while (queue.Reader.TryRead(out var item))
            {
                item.Applied?.TrySetResult();
            }
        }
    }

    private bool Allows(long? clientId, long? serviceId)
    {
        if (ScopeClientId is { } scope && clientId != scope)
        {
            return false;
        }

        if (PageServices is { } shown && (serviceId is not { } id || !shown.Contains(id)))
        {
            return false;
        }

        if (subscription is not { } filter)
        {
            return true;
        }

        return (filter.ClientId is null || filter.ClientId == clientId)
            && (filter.ServiceId is null || filter.ServiceId == serviceId);
    }

    private readonly record struct QueuedEvent(string? Name, JsonElement Payload, long? ClientId, long? ServiceId, TaskCompletionSource? Applied);
}
