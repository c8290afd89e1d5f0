using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Monitoring.Gateway.Auth;

namespace Monitoring.Gateway.Feed;

/// <summary>
/// /hub: every change is sent under its Feathers event name ("client-services patched", ...) with the record
/// REST returns. <c>Subscribe({ client_id?, service_id? })</c> narrows a connection's feed, <c>Unsubscribe()</c>
/// widens it again; a key scoped to a client only ever gets that client's events.
/// </summary>
[Authorize]
public sealed class FeedHub(FeedConnections connections, IOptions<FeedOptions> options) : Hub
{
    public override Task OnConnectedAsync()
    {
        connections.Add(new FeedConnection(Context, CallerScope.ClientId(Context.User!), options.Value.ConnectionQueueCapacity));
        return Task.CompletedTask;
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        connections.Remove(Context.ConnectionId);
        return Task.CompletedTask;
    }

    /// <summary>Narrows this connection's feed; every event sent after the answer matches <paramref name="filter"/>.</summary>
    public Task Subscribe(FeedFilter? filter)
    {
        var connection = connections.Find(Context.ConnectionId) ?? throw new HubException("Not connected");
        if (connection.ScopeClientId is { } scope && filter?.ClientId is { } clientId && clientId != scope)
        {
            throw new HubException($"This API key may only subscribe to client {scope}");
        }

        return connection.SubscribeAsync(filter is { ClientId: null, ServiceId: null } ? null : filter);
    }

    /// <summary>Widens this connection's feed again to everything its key may see.</summary>
    public Task Unsubscribe() => connections.Find(Context.ConnectionId)?.SubscribeAsync(null) ?? Task.CompletedTask;
}
