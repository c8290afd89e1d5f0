using Monitoring.Grains.Interfaces.Models;
using Orleans.Concurrency;

namespace Monitoring.Grains.Interfaces;

/// <summary>
/// One monitored endpoint, keyed by the service id: the only writer of its client_services row, its
/// encrypted credentials, its reminder and timers, and its rolling uptime window.
/// Every method takes the caller's client scope (null for an admin key): a service of another client
/// answers NotFound.
/// </summary>
[Alias("monitoring.service")]
public interface IServiceMonitorGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Activates the grain and makes sure its schedule runs (with one catch-up check when occurrences were
    /// missed); a no-op for a grain already scheduled. Called by every silo's sweep after the fleet changed.
    /// </summary>
    [Alias("wake")]
    Task WakeAsync();

    /// <summary>
    /// Moves this activation to <paramref name="target"/> (Orleans live migration) with its schedule position and
    /// uptime window; called by a silo that is stopping gracefully. A grain whose next check is due within 2 s
    /// moves right after that check starts, any other at once; a grain with no service deactivates; on a silo
    /// that is not leaving (the grain has moved already) the call does nothing.
    /// </summary>
    [Alias("hand-over")]
    Task HandOverAsync(SiloAddress target);

    /// <summary>Creates the service under <paramref name="clientId"/>; called by that client's grain.</summary>
    [Alias("create")]
    Task<Outcome<ServiceRecord>> CreateAsync(long clientId, ServiceFields fields);

    [Alias("get"), ReadOnly]
    Task<Outcome<ServiceRecord>> GetAsync(long? scopeClientId);

    [Alias("patch")]
    Task<Outcome<ServiceRecord>> PatchAsync(ServiceFields fields, long? scopeClientId);

    /// <summary>Replaces every writable field (a Feathers update): what the body omits takes its default.</summary>
    [Alias("replace")]
    Task<Outcome<ServiceRecord>> ReplaceAsync(ServiceFields fields, long? scopeClientId);

    /// <summary>Stops every check, deletes the row and its history, and answers the removed record.</summary>
    [Alias("remove")]
    Task<Outcome<ServiceRecord>> RemoveAsync(long? scopeClientId);

    /// <summary>Runs a check now (also when disabled) and answers the committed service-status record.</summary>
    [Alias("check-now"), AlwaysInterleave]
    Task<Outcome<StatusRecord>> CheckNowAsync(long? scopeClientId);

    /// <summary>
    /// A find of this service's first page of results, oldest or newest first (one <see cref="Queries.ServiceHistoryFind.TryMatch"/>
    /// accepts; anything else throws <see cref="ArgumentException"/>): the page and total SQL would answer, from memory while
    /// the service is being read (a change made elsewhere, such as retention pruning, shows within 10 s). When
    /// <paramref name="knownVersion"/> is the version kept now, the answer carries no page: the caller's copy is current.
    /// </summary>
    [Alias("find-history"), ReadOnly]
    Task<HistoryAnswer> FindHistoryAsync(Queries.FindQuery query, long? scopeClientId, long knownVersion);

    [Alias("uptime"), ReadOnly]
    Task<Outcome<UptimeReport>> GetUptimeAsync(UptimeQuery query, long? scopeClientId);

    /// <summary>Sets (true) or clears (false) <c>acknowledged_at</c> of one of this service's incidents (which stops reminders).</summary>
    [Alias("acknowledge-incident")]
    Task<Outcome<IncidentRecord>> AcknowledgeIncidentAsync(long incidentId, bool acknowledged, long? scopeClientId);

    /// <summary>Takes a removed channel out of <c>alert_channel_ids</c>; a no-op when it is not there.</summary>
    [Alias("drop-alert-channel")]
    Task DropAlertChannelAsync(long channelId);

    /// <summary>
    /// A heartbeat's job reported (monitors.md): stores the result (trigger <c>ping</c>), or records the start of a run.
    /// True once stored or recorded; NotFound when the token is not this service's (a token replaced meanwhile) or the
    /// service is not a heartbeat; Unavailable when the result could not be stored.
    /// </summary>
    [Alias("report-ping")]
    Task<Outcome<bool>> ReportPingAsync(PingReport report);

    /// <summary>Makes a new ping token for a heartbeat (the old one stops working) and answers the record with its ping_url.</summary>
    [Alias("new-ping-token")]
    Task<Outcome<ServiceRecord>> NewPingTokenAsync(long? scopeClientId);

    /// <summary>Re-encrypts the stored password and ping token under the current key; true when either changed.</summary>
    [Alias("reencrypt")]
    Task<bool> ReencryptCredentialsAsync();

    /// <summary>
    /// What a status page or a badge shows of the service, from memory; null when there is no such service. Not
    /// scoped: callers decide who may see it (a badge only when <see cref="ServiceSummary.Public"/>).
    /// </summary>
    [Alias("summary"), ReadOnly]
    Task<ServiceSummary?> GetSummaryAsync();
}
