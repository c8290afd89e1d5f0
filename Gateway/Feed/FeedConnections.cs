using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Monitoring.Gateway.Json;
using Monitoring.Grains.Interfaces;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Gateway.Feed;

/// <summary>
/// The hub connections of this gateway, and the observer the silos push event batches to: each event is
/// serialized once (the same JSON as REST) and queued for every connection allowed to see it.
/// </summary>
public sealed partial class FeedConnections(IHubContext<FeedHub> hub, ILogger<FeedConnections> logger, Api.PingUrls pingUrls, StatusPages.StatusPageCache pages, Badges.HiddenServices hiddenServices) : IFeedObserver
{
    private readonly ConcurrentDictionary<string, FeedConnection> connections = new();

    // Page id -> the page-change sequence number of its last change: a page connection admitted against a page read
    // before a change that it then missed (it was not yet listed when the change aborted the page's connections).
    private readonly ConcurrentDictionary<long, long> pageChangedAt = new();
    private long pageChanges;
    private long dropped;

    public int Count => connections.Count;

    /// <summary>Connections disconnected because they could not keep up.</summary>
    public long Dropped => Interlocked.Read(ref dropped);

    public void Add(FeedConnection connection)
    {
        connections[connection.Id] = connection;
        _ = connection.PumpAsync(hub);
    }

    /// <summary>
    /// The page-change sequence now: read it before reading the page a connection is admitted against, and pass it to
    /// <see cref="AddPageConnection"/>.
    /// </summary>
    public long PageChangeMark => Interlocked.Read(ref pageChanges);

    /// <summary>
    /// Adds a status page's connection, admitted against the page as it was at <paramref name="markBefore"/>; when the
    /// page has changed since (made private, removed, given other services), the connection is closed at once so its
    /// script reconnects and is judged against the page as it is now.
    /// </summary>
    /// <returns>Whether the connection stays.</returns>
    public bool AddPageConnection(FeedConnection connection, long markBefore)
    {
        // Checked before it is listed (no event reaches a connection that is already stale) and after (a change that
        // came in between aborted only the connections listed then).
        if (!ChangedSince(connection, markBefore))
        {
            Add(connection);
            if (!ChangedSince(connection, markBefore))
            {
                return true;
            }
        }

        connection.Abort();
        Remove(connection.Id);
        return false;
    }

    private bool ChangedSince(FeedConnection connection, long mark) =>
        pageChangedAt.TryGetValue(connection.PageId!.Value, out var changedAt) && changedAt > mark;

    /// <summary>The connections following status page <paramref name="pageId"/> now (its open visitors on this gateway).</summary>
    public int Following(long pageId) => connections.Values.Count(c => c.PageId == pageId);

    public FeedConnection? Find(string connectionId) => connections.GetValueOrDefault(connectionId);

    public void Remove(string connectionId)
    {
        if (connections.TryRemove(connectionId, out var connection))
        {
            connection.Close();
        }
    }

    public Task ReceiveAsync(FeedBatch batch)
    {
        foreach (var feedEvent in batch.Events)
        {
            pages.Observe(feedEvent);
            hiddenServices.Observe(feedEvent);
            if (feedEvent.Page is { } changedPage)
            {
                // A page made private, removed or given other services: its visitors reconnect and are judged again.
                var sequence = Interlocked.Increment(ref pageChanges);
                pageChangedAt.AddOrUpdate(changedPage.Id, sequence, (_, earlier) => Math.Max(earlier, sequence));
                foreach (var connection in connections.Values.Where(c => c.PageId == changedPage.Id).ToList())
                {
                    connection.Abort();
                    Remove(connection.Id);
                }
            }

            JsonElement? payload = null;
            JsonElement? projected = null;
            var projectedMade = false;
            foreach (var connection in connections.Values)
            {
                if (!connection.Allows(feedEvent))
                {
                    continue;
                }

                JsonElement body;
                if (connection.PageServices is null)
                {
                    body = payload ??= Serialize(feedEvent);
                }
                else
                {
                    if (!projectedMade)
                    {
                        projected = PageEvents.Project(feedEvent);
                        projectedMade = true;
                    }

                    if (projected is not { } shown)
                    {
                        continue;
                    }

                    body = shown;
                }

                if (!connection.TryEnqueue(feedEvent, body))
                {
                    Interlocked.Increment(ref dropped);
                    LogDropped(logger, connection.Id);
                    Remove(connection.Id);
                }
            }
        }

        return Task.CompletedTask;
    }

    private JsonElement Serialize(FeedEvent feedEvent) => feedEvent switch
    {
        { Client: { } client } => JsonSerializer.SerializeToElement(client, ApiJson.Context.ClientRecord),
        { Service: { } service } => JsonSerializer.SerializeToElement(pingUrls.Complete(service), ApiJson.Context.ServiceRecord),
        { Incident: { } incident } => JsonSerializer.SerializeToElement(incident, ApiJson.Context.IncidentRecord),
        { Channel: { } channel } => JsonSerializer.SerializeToElement(channel, ApiJson.Context.AlertChannelRecord),
        { Window: { } window } => JsonSerializer.SerializeToElement(window, ApiJson.Context.MaintenanceWindowRecord),
        { Page: { } page } => JsonSerializer.SerializeToElement(page, ApiJson.Context.StatusPageRecord),
        _ => JsonSerializer.SerializeToElement(feedEvent.Status!, ApiJson.Context.StatusRecord),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Disconnected hub connection {ConnectionId}: its event queue overflowed (it stopped reading)")]
    private static partial void LogDropped(ILogger logger, string connectionId);
}
