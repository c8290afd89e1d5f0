using Monitoring.Grains.Services;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Uptime;

namespace Monitoring.Grains.Fleet;

/// <summary>
/// A service grain's stored state as a sweep read it (<see cref="Data.SnapshotStore"/>), in the shape Orleans' ADO.NET
/// storage would hand it to the activation: the state (a new one when no row was found), the row's version as the ETag
/// (null without a row) and whether a payload was stored; with what the activation adds to the uptime window it holds.
/// </summary>
public sealed record PrefetchedState(ServiceMonitorState State, string? ETag, bool RecordExists, PrefetchedUptime? Uptime);

/// <summary>
/// What an activation reads from service_status to complete its uptime window (<see cref="UptimeTracker.LoadAsync"/>), read
/// ahead by a sweep: the results since a snapshot's <see cref="ServiceMonitorState.CoveredUntil"/>, or, without a
/// snapshot, the hourly sums a window is rebuilt from (<see cref="UptimeTracker.RebuildRange"/>, from <c>HoursFrom</c>).
/// </summary>
public sealed record PrefetchedUptime(
    DateTimeOffset? CoveredUntil,
    IReadOnlyList<(DateTimeOffset CheckedAt, string Status, int ResponseTimeMs)>? ResultsSince,
    DateTimeOffset? HoursFrom,
    IReadOnlyDictionary<DateTimeOffset, UptimeCounts>? Hours)
{
    /// <summary>The results checked at or after <paramref name="coveredUntil"/>, oldest first.</summary>
    public static PrefetchedUptime Since(DateTimeOffset coveredUntil, IReadOnlyList<(DateTimeOffset, string, int)> results) =>
        new(coveredUntil, results, null, null);

    /// <summary>The hourly sums of the range that starts at <paramref name="from"/>.</summary>
    public static PrefetchedUptime Rebuilt(DateTimeOffset from, IReadOnlyDictionary<DateTimeOffset, UptimeCounts> hours) =>
        new(null, null, from, hours);

    /// <summary>The results since <paramref name="coveredUntil"/>, when that is what was read.</summary>
    public IReadOnlyList<(DateTimeOffset CheckedAt, string Status, int ResponseTimeMs)>? ResultsSinceOf(DateTimeOffset coveredUntil) =>
        CoveredUntil == coveredUntil ? ResultsSince : null;

    /// <summary>The hourly sums of the range from <paramref name="from"/>, when that is what was read.</summary>
    public IReadOnlyDictionary<DateTimeOffset, UptimeCounts>? HoursFromOf(DateTimeOffset from) => HoursFrom == from ? Hours : null;
}
