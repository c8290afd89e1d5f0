using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Monitoring.Gateway.Auth;
using Monitoring.Gateway.StatusPages;

namespace Monitoring.Gateway.Feed;

/// <summary>
/// /hub: every change is sent under its Feathers event name ("client-services patched", ...) with the record
/// REST returns. <c>Subscribe({ client_id?, service_id? })</c> narrows a connection's feed, <c>Unsubscribe()</c>
/// widens it again; a key scoped to a client only ever gets that client's events. A status page's script connects with
/// <c>?status_page={slug}</c> (no key needed for a public page) and gets only its page's services' events, trimmed to
/// what the page shows (<see cref="PageEvents"/>).
/// </summary>
[Authorize(Policy = FeedPolicy.Name)]
public sealed class FeedHub(FeedConnections connections, StatusPageCache pages, IOptions<FeedOptions> options) : Hub
{
    /// <summary>Events queued per status page connection: a page refetches itself after a burst, so a few suffice.</summary>
    public const int PageQueueCapacity = 256;

    public override async Task OnConnectedAsync()
    {
        if (Context.GetHttpContext()?.Request.Query[FeedPolicy.PageParameter].ToString() is { Length: > 0 } slug)
        {
            // A status page's connection: its page's services only, whether or not a key came with it.
            var mark = connections.PageChangeMark;
            if (await pages.GetAsync(slug) is not { } page || !StatusPageEndpoints.MaySee(page, Context.User!))
            {
                // An error on connect closes the connection and tells the client not to reconnect.
                throw new HubException("No status page here");
            }

            connections.AddPageConnection(new FeedConnection(Context, page.ClientId, PageQueueCapacity, page.PageId, page.Services), mark);
            return;
        }

        connections.Add(new FeedConnection(Context, CallerScope.ClientId(Context.User!), options.Value.ConnectionQueueCapacity));
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
        if (connection.PageServices is not null)
        {
            throw new HubException("A status page's connection gets its page's events only");
        }

        if (connection.ScopeClientId is { } scope && filter?.ClientId is { } clientId && clientId != scope)
        {
            throw new HubException($"This API key may only subscribe to client {scope}");
        }

        return connection.SubscribeAsync(filter is { ClientId: null, ServiceId: null } ? null : filter);
    }

    /// <summary>Widens this connection's feed again to everything its key may see.</summary>
    public Task Unsubscribe() =>
        connections.Find(Context.ConnectionId) is { PageServices: null } connection ? connection.SubscribeAsync(null) : Task.CompletedTask;
}
