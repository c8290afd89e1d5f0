using Monitoring.Grains.Checking;

namespace Monitoring.Grains.History;

/// <summary>A classified check on its way to service_status; it gets its id when its batch is committed.</summary>
public sealed record StatusDraft(long ServiceId, long ClientId, CheckResult Result, string Trigger, DateTimeOffset CheckedAt);
