using Monitoring.Grains.Data;
using Monitoring.Grains.Services;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Uptime;

namespace Monitoring.Grains.Fleet;

/// <summary>
/// Reads, for a batch of services a sweep is about to wake, each one's stored state (<see cref="SnapshotStore"/>) and what
/// its activation would read to complete the uptime window from that state (<see cref="UptimeTracker.LoadAsync"/>): the
/// results since the snapshot, or without one the hourly sums a window is rebuilt from (only for a service ever
/// checked). At most three queries for the batch where each activation made two of its own: after a crash, with every
/// service checked and few snapshots written, the restart of a million took over 22 minutes (issue 16).
/// </summary>
public sealed class SnapshotPrefetch(SnapshotStore snapshots, UptimeHistoryStore history)
{
    /// <summary>
    /// The states of the services of <paramref name="rows"/> (their rows as the sweep read them at <paramref name="readAt"/>),
    /// each with what completes its window as of <paramref name="readAt"/>.
    /// </summary>
    /// <exception cref="Npgsql.NpgsqlException">PostgreSQL failed.</exception>
    public async Task<Dictionary<long, PrefetchedState>> ReadAsync(IReadOnlyDictionary<long, StoredService> rows, DateTimeOffset readAt)
    {
        var states = await snapshots.ReadManyAsync(rows.Keys.ToArray());

        // What each activation would read, decided once: the results since its snapshot, the hourly sums, or nothing.
        var since = states.Where(s => UptimeTracker.Restorable(s.Value.State, readAt)).ToDictionary(s => s.Key, s => s.Value.State.CoveredUntil);
        var rebuild = rows.Where(r => !since.ContainsKey(r.Key) && r.Value.Runtime.LastCheckedAt is not null).Select(r => r.Key).ToHashSet();
        var (from, until) = UptimeTracker.RebuildRange(readAt);
        var results = since.Count > 0 ? await history.ResultsSinceManyAsync([.. since.Select(s => (s.Key, s.Value))]) : [];
        var hours = rebuild.Count > 0 ? await history.SumByHourManyAsync(rebuild, from, until) : [];
        var prefetched = new Dictionary<long, PrefetchedState>(states.Count);
        foreach (var (id, (state, etag, exists)) in states)
        {
            var uptime = since.TryGetValue(id, out var covered)
                ? PrefetchedUptime.Since(covered, results.GetValueOrDefault(id) ?? [])
                : rebuild.Contains(id) ? PrefetchedUptime.Rebuilt(from, hours.GetValueOrDefault(id) ?? new Dictionary<DateTimeOffset, UptimeCounts>()) : null;
            prefetched[id] = new PrefetchedState(state, etag, exists, uptime);
        }

        return prefetched;
    }
}
