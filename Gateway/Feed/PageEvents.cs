using System.Text.Json;
using Monitoring.Gateway.Json;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Gateway.Feed;

/// <summary>
/// What a status page's hub connection receives of an event: the Feathers event name with only the fields a page
/// shows (no URLs, headers, error texts or details, which may name internal hosts). Null for events a page does not get.
/// </summary>
public static class PageEvents
{
    public static JsonElement? Project(FeedEvent feedEvent) => feedEvent switch
    {
        { Kind: FeedEventKind.StatusCreated, Status: { } status } => JsonSerializer.SerializeToElement(
            new PageStatusEvent(status.Id, status.ServiceId, status.Status.ToWire(), status.ResponseTimeMs, status.CheckedAt, status.InMaintenance),
            ApiJson.Context.PageStatusEvent),
        { Kind: FeedEventKind.IncidentCreated or FeedEventKind.IncidentPatched, Incident: { } incident } => JsonSerializer.SerializeToElement(
            new PageIncidentEvent(incident.Id, incident.ServiceId, incident.Status, incident.Severity.ToWire(), incident.StartedAt, incident.ResolvedAt),
            ApiJson.Context.PageIncidentEvent),
        { Kind: FeedEventKind.ServicePatched, Service: { } service } => JsonSerializer.SerializeToElement(
            new PageServiceEvent(service.Id, service.Name, service.LastStatus?.ToWire(), service.LastCheckedAt),
            ApiJson.Context.PageServiceEvent),
        _ => null,
    };
}

/// <summary>"service-status created" as a page sees it.</summary>
public sealed record PageStatusEvent(long Id, long ServiceId, string Status, int ResponseTimeMs, DateTimeOffset CheckedAt, bool InMaintenance);

/// <summary>"incidents created|patched" as a page sees it.</summary>
public sealed record PageIncidentEvent(long Id, long ServiceId, string Status, string Severity, DateTimeOffset StartedAt, DateTimeOffset? ResolvedAt);

/// <summary>"client-services patched" as a page sees it.</summary>
public sealed record PageServiceEvent(long Id, string Name, string? LastStatus, DateTimeOffset? LastCheckedAt);
