namespace Monitoring.Grains.Interfaces.Models;

/// <summary>
/// One change for the live feed. Exactly one of the records is set; the gateway sends it under
/// <see cref="Name"/> (the Feathers event name) with the same JSON that REST returns.
/// </summary>
[GenerateSerializer, Immutable, Alias("feed-event")]
public sealed record FeedEvent(
    [property: Id(0)] FeedEventKind Kind,
    [property: Id(1)] ClientRecord? Client = null,
    [property: Id(2)] ServiceRecord? Service = null,
    [property: Id(3)] StatusRecord? Status = null,
    [property: Id(4)] IncidentRecord? Incident = null,
    [property: Id(5)] AlertChannelRecord? Channel = null,
    [property: Id(6)] MaintenanceWindowRecord? Window = null,
    [property: Id(7)] StatusPageRecord? Page = null)
{
    public string Name => Kind switch
    {
        FeedEventKind.ClientCreated => "clients created",
        FeedEventKind.ClientPatched => "clients patched",
        FeedEventKind.ClientRemoved => "clients removed",
        FeedEventKind.ServiceCreated => "client-services created",
        FeedEventKind.ServicePatched => "client-services patched",
        FeedEventKind.ServiceRemoved => "client-services removed",
        FeedEventKind.StatusCreated => "service-status created",
        FeedEventKind.IncidentCreated => "incidents created",
        FeedEventKind.IncidentPatched => "incidents patched",
        FeedEventKind.ChannelCreated => "alert-channels created",
        FeedEventKind.ChannelPatched => "alert-channels patched",
        FeedEventKind.ChannelRemoved => "alert-channels removed",
        FeedEventKind.WindowCreated => "maintenance-windows created",
        FeedEventKind.WindowPatched => "maintenance-windows patched",
        FeedEventKind.WindowRemoved => "maintenance-windows removed",
        FeedEventKind.PageCreated => "status-pages created",
        FeedEventKind.PagePatched => "status-pages patched",
        FeedEventKind.PageRemoved => "status-pages removed",
        _ => throw new InvalidOperationException($"Unknown feed event kind {Kind}."),
    };

    /// <summary>
    /// The client the event is about: a connection scoped or subscribed to another client never sees it. Null for
    /// a shared channel, whose events only connections of keys that are not client-scoped receive.
    /// </summary>
    public long? ClientId => Client?.Id ?? Service?.ClientId ?? Status?.ClientId ?? Incident?.ClientId ?? Window?.ClientId ?? Page?.ClientId ?? Channel?.ClientId;

    /// <summary>The service the event is about, or null for events of other resources.</summary>
    public long? ServiceId => Service?.Id ?? Status?.ServiceId ?? Incident?.ServiceId;
}

[GenerateSerializer, Alias("feed-event-kind")]
public enum FeedEventKind
{
    ClientCreated,
    ClientPatched,
    ClientRemoved,
    ServiceCreated,
    ServicePatched,
    ServiceRemoved,
    StatusCreated,
    IncidentCreated,
    IncidentPatched,
    ChannelCreated,
    ChannelPatched,
    ChannelRemoved,
    WindowCreated,
    WindowPatched,
    WindowRemoved,
    PageCreated,
    PagePatched,
    PageRemoved,
}
