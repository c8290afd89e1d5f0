using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using Monitoring.Grains.Checking;
using Monitoring.Grains.Data;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Uptime;

namespace Monitoring.Grains.Services;

/// <summary>
/// A service's uptime window: kept in memory, persisted through Orleans grain storage now and then (at most
/// every 30 minutes, when a timer of the service fires, and on deactivation; never per check), and on activation completed
/// from service_status with what was checked since the snapshot, or rebuilt from it when there is none.
/// </summary>
internal sealed partial class UptimeTracker(long serviceId, IPersistentState<ServiceMonitorState> state, ServiceMonitorDependencies services, ILogger logger)
{
    private static readonly TimeSpan SnapshotInterval = TimeSpan.FromMinutes(30);

    private readonly RecentResults recent = new();
    private UptimeWindow? window;
    private long changes;
    private long changesSnapshotted;
    private DateTimeOffset lastSnapshotAt;

    // Whether the service has results taken in a maintenance window: asked once per activation, then kept.
    private bool? maintenanceSeen;

    /// <summary>Starts an empty window (a new service); its first snapshot is due like any other's, not at its first timer.</summary>
    public void StartEmpty()
    {
        window = new UptimeWindow();
        lastSnapshotAt = services.Time.GetUtcNow();
    }

    /// <summary>
    /// Restores the snapshot and adds what was checked since; rebuilds from service_status without one, unless
    /// <paramref name="everChecked"/> is false (service_status holds no result of the service: nothing to read).
    /// What <paramref name="prefetched"/> holds (a sweep's read for the state restored) stands in for the read it matches.
    /// </summary>
    public async Task LoadAsync(bool everChecked, Fleet.PrefetchedUptime? prefetched = null)
    {
        var now = services.Time.GetUtcNow();
        if (Restorable(state.State, now) && UptimeWindow.Decode(state.State.UptimeWindow!) is { } restored)
        {
            var covered = state.State.CoveredUntil;
            var read = prefetched?.ResultsSinceOf(covered);
            services.Activations.WindowRestored("snapshot", read is null ? "own" : "prefetched");
            foreach (var (checkedAt, status, responseTimeMs) in read ?? await services.History.ResultsSinceAsync(serviceId, covered))
            {
                var health = HealthStatusNames.FromWire(status);
                restored.Add(checkedAt, health, responseTimeMs);
                recent.Add(checkedAt, health, responseTimeMs, now);
            }

            window = restored;
        }
        else if (everChecked)
        {
            var hours = prefetched?.HoursFromOf(RebuildRange(now).From);
            services.Activations.WindowRestored("rebuilt", hours is null ? "own" : "prefetched");
            window = await RebuildAsync(hours);
        }
        else
        {
            services.Activations.WindowRestored("new", "none");
            window = new UptimeWindow();
        }

        state.State.UptimeWindow = null;
        lastSnapshotAt = now;
    }

    /// <summary>Whether <paramref name="stored"/> holds a snapshot recent enough at <paramref name="now"/> to restore a window from.</summary>
    public static bool Restorable(ServiceMonitorState stored, DateTimeOffset now) =>
        stored.UptimeWindow is not null && stored.CoveredUntil > now - TimeSpan.FromDays(UptimeWindow.DaySlots);

    /// <summary>The range of results a window is rebuilt from at <paramref name="now"/>: [From, Until), From a UTC midnight.</summary>
    public static (DateTimeOffset From, DateTimeOffset Until) RebuildRange(DateTimeOffset now)
    {
        var from = now - TimeSpan.FromDays(UptimeWindow.DaySlots - 1);
        return (new DateTimeOffset(from.UtcDateTime.Date, TimeSpan.Zero), now + TimeSpan.FromDays(1));
    }

    /// <summary>A result taken in a maintenance window was stored (true), or results may have been stored unseen (null: ask again).</summary>
    public void NoteMaintenance(bool? seen) => maintenanceSeen = seen ?? (maintenanceSeen == true ? true : null);

    /// <summary>Counts a committed result.</summary>
    public void Add(DateTimeOffset checkedAt, HealthStatus status, int responseTimeMs)
    {
        window?.Add(checkedAt, status, responseTimeMs);
        recent.Add(checkedAt, status, responseTimeMs, services.Time.GetUtcNow());
        changes++;
    }

    public async Task<UptimeReport> ReportAsync(UptimeQuery query)
    {
        window ??= await RebuildAsync();
        maintenanceSeen ??= await services.History.HasMaintenanceResultsAsync(serviceId);
        return await services.Calculator.ReportAsync(serviceId, window, query, services.Time.GetUtcNow().ToMilliseconds(), maintenanceSeen.Value);
    }

    /// <summary>
    /// The 90 daily buckets and the badge periods (see <see cref="ServiceSummary"/>) from the window alone; a bucket
    /// the window does not hold counts as empty.
    /// </summary>
    public async Task<(DateTimeOffset FirstDay, UptimeCounts[] Days, UptimeCounts Hours24, UptimeCounts Hours168, UptimeCounts Days30, UptimeCounts Days90)> SummarizeAsync(DateTimeOffset now)
    {
        window ??= await RebuildAsync();
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var firstDay = today.AddDays(-(ServiceSummary.DayCount - 1));
        var days = new UptimeCounts[ServiceSummary.DayCount];
        for (var i = 0; i < days.Length; i++)
        {
            days[i] = window.TryGetDay(firstDay.AddDays(i), out var counts) ? counts : default;
        }

        var hour = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerHour, TimeSpan.Zero);
        UptimeCounts hours24 = default, hours168 = default;
        for (var i = 0; i < 168; i++)
        {
            var counts = window.TryGetHour(hour.AddHours(-i), out var found) ? found : default;
            hours168 += counts;
            hours24 += i < 24 ? counts : default;
        }

        UptimeCounts days30 = default, days90 = default;
        for (var i = 0; i < days.Length; i++)
        {
            days90 += days[i];
            days30 += i >= days.Length - 30 ? days[i] : default;
        }

        return (firstDay, days, hours24, hours168, days30, days90);
    }

    /// <summary>
    /// Writes a snapshot when the last one is older than the interval (staggered by service) and anything changed, unless
    /// the silo is writing <see cref="SnapshotGate.DefaultSlots"/> already: then it stays due for the next timer.
    /// </summary>
    public Task SnapshotIfDueAsync(DateTimeOffset? oldestInFlight) =>
        Unsaved && services.Time.GetUtcNow() - lastSnapshotAt >= SnapshotInterval + TimeSpan.FromSeconds(serviceId % 300)
            ? services.Snapshots.TryWriteAsync(() => SnapshotAsync(oldestInFlight))
            : Task.CompletedTask;

    /// <summary>
    /// The deactivation's snapshot: written when anything changed since the last one, once the silo has a slot for it
    /// (<see cref="SnapshotGate"/>); left out when none comes before <paramref name="cancellationToken"/> (the deactivation's
    /// time is up), so a silo stopping with a million grains does not take Orleans' storage pool from its membership.
    /// </summary>
    public Task SnapshotBeforeDeactivationAsync(DateTimeOffset? oldestInFlight, CancellationToken cancellationToken) =>
        Unsaved ? services.Snapshots.WriteAsync(() => SnapshotAsync(oldestInFlight), cancellationToken) : Task.CompletedTask;

    [MemberNotNullWhen(true, nameof(window))]
    private bool Unsaved => window is not null && changes != changesSnapshotted;

    /// <summary>
    /// Writes the window as of the start of the oldest check in flight (or now), so everything checked from
    /// then on can be read back from service_status without being counted twice.
    /// </summary>
    private async Task SnapshotAsync(DateTimeOffset? oldestInFlight)
    {
        if (!Unsaved)
        {
            return;
        }

        var now = services.Time.GetUtcNow();
        var cut = oldestInFlight ?? now;
        if (cut < now - RecentResults.Span)
        {
            return;
        }

        var snapshotOf = changes;
        state.State.UptimeWindow = recent.WindowBefore(window, cut).Encode();
        state.State.CoveredUntil = cut;
        try
        {
            await state.WriteStateAsync();
            changesSnapshotted = snapshotOf;
            lastSnapshotAt = now;
            services.Snapshots.Record(written: true);
        }
        catch (Exception ex) when (ex is Orleans.Storage.InconsistentStateException or OrleansException or TimeoutException or Npgsql.NpgsqlException)
        {
            // Tried again a whole interval later, not at the next timer: while PostgreSQL is away, every service's timer
            // waiting on a write (and firing late for it) would read as a saturated silo.
            lastSnapshotAt = now;
            services.Snapshots.Record(written: false);
            LogSnapshotFailed(logger, serviceId, ex.Message);
        }
        finally
        {
            state.State.UptimeWindow = null;
        }
    }

    /// <summary>
    /// Puts the window, as of the oldest check in flight (or now), into the grain state without writing it: the
    /// state travels with a migrating grain (Orleans moves persistent state in the migration context), so the
    /// new activation restores it without a write here or a read there. Should the move fail, the next
    /// activation reads the last written snapshot and adds what was stored since, as after a crash.
    /// </summary>
    public void CarryAcross(DateTimeOffset? oldestInFlight)
    {
        var now = services.Time.GetUtcNow();
        var cut = oldestInFlight ?? now;
        if (window is null || cut < now - RecentResults.Span)
        {
            return;
        }

        state.State.UptimeWindow = recent.WindowBefore(window, cut).Encode();
        state.State.CoveredUntil = cut;
    }

    /// <summary>Forgets the stored snapshot (the service is gone).</summary>
    public async Task ClearAsync()
    {
        if (state.RecordExists)
        {
            await state.ClearStateAsync();
        }
    }

    /// <summary>A window rebuilt from the hourly sums of <see cref="RebuildRange"/>: <paramref name="read"/> when a sweep read them, else read now.</summary>
    private async Task<UptimeWindow> RebuildAsync(IReadOnlyDictionary<DateTimeOffset, UptimeCounts>? read = null)
    {
        var rebuilt = new UptimeWindow();
        var (from, until) = RebuildRange(services.Time.GetUtcNow());
        var hours = read ?? await services.History.SumByHourAsync(serviceId, from, until);
        foreach (var (hour, counts) in hours.OrderBy(h => h.Key))
        {
            rebuilt.AddHour(hour, counts);
        }

        changes++;
        return rebuilt;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not store the uptime window of service {ServiceId}: {Reason}")]
    private static partial void LogSnapshotFailed(ILogger logger, long serviceId, string reason);
}
