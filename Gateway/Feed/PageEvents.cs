using System.Text.Json;
using Monitoring.Gateway.Json;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Gateway.Feed;

/// <summary>
/// What a status page's hub connection receives of an event: the Feathers event name with only the fields a page
/// shows (no ids, URLs, headers, response times, error texts or details: a page may list services whose figures are
/// not public, and ids would count the fleet's checks). Null for events a page does not get: "client-services patched"
/// follows every result and would double the fan-out, so a page hears a result once.
/// </summary>
public static class PageEvents
{
    public static JsonElement? Project(FeedEvent feedEvent) => feedEvent switch
    {
        { Kind: FeedEventKind.StatusCreated, Status: { } status } => JsonSerializer.SerializeToElement(
            new PageStatusEvent(status.ServiceId, status.Status.ToWire(), status.CheckedAt, status.InMaintenance),
            ApiJson.Context.PageStatusEvent),
        { Kind: FeedEventKind.IncidentCreated or FeedEventKind.IncidentPatched, Incident: { } incident } => JsonSerializer.SerializeToElement(
            new PageIncidentEvent(incident.ServiceId, incident.Status, incident.Severity.ToWire(), incident.StartedAt, incident.ResolvedAt),
            ApiJson.Context.PageIncidentEvent),
        _ => null,
    };
}

/// <summary>"service-status created" as a page sees it.</summary>
public sealed record PageStatusEvent(long ServiceId, string Status, DateTimeOffset CheckedAt, bool InMaintenance);

/// <summary>"incidents created|patched" as a page sees it.</summary>
public sealed record PageIncidentEvent(long ServiceId, string Status, string Severity, DateTimeOffset StartedAt, DateTimeOffset? ResolvedAt);

