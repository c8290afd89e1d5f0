using Monitoring.Grains.Checking;

namespace Monitoring.Grains.History;

/// <summary>A classified check on its way to service_status; it gets its id when its batch is committed.</summary>
/// <remarks><paramref name="InMaintenance"/>: taken inside a maintenance window of the service (alerting.md).</remarks>
public sealed record StatusDraft(long ServiceId, long ClientId, CheckResult Result, string Trigger, DateTimeOffset CheckedAt, bool InMaintenance = false);
