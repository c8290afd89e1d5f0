using Microsoft.Extensions.Logging;
using Monitoring.Grains.Checking;
using Monitoring.Grains.Data;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Uptime;

namespace Monitoring.Grains.Services;

/// <summary>
/// The uptime window: kept in memory, persisted through Orleans grain storage now and then (not per check),
/// and on activation completed from service_status with what was checked since the snapshot, or rebuilt
/// from it when there is no usable snapshot.
/// </summary>
public sealed partial class ServiceMonitorGrain
{
    private static readonly TimeSpan SnapshotInterval = TimeSpan.FromMinutes(30);

    private readonly RecentResults recent = new();
    private UptimeWindow? window;
    private long windowChanges;
    private long windowChangesSnapshotted;
    private DateTimeOffset lastSnapshotAt;

    public async Task<Outcome<UptimeReport>> GetUptimeAsync(UptimeQuery query, long? scopeClientId)
    {
        if (!IsVisibleTo(scopeClientId))
        {
            return NotFound<UptimeReport>();
        }

        var retention = historyOptions.Value.Retention;
        if (query.Length > retention)
        {
            return Failure.Invalid("period", $"is longer than the history kept ({retention.TotalDays:0.##} days)");
        }

        window ??= await RebuildWindowAsync();
        var report = await calculator.ReportAsync(Id, window, query, time.GetUtcNow().ToMilliseconds());
        return Outcome<UptimeReport>.Ok(report);
    }

    private async Task LoadWindowAsync()
    {
        var now = time.GetUtcNow();
        if (state.State.UptimeWindow is { } bytes && UptimeWindow.Decode(bytes) is { } restored
            && state.State.CoveredUntil > now - TimeSpan.FromDays(UptimeWindow.DaySlots))
        {
            foreach (var (checkedAt, status, responseTimeMs) in await history.ResultsSinceAsync(Id, state.State.CoveredUntil))
            {
                var health = HealthStatusNames.FromWire(status);
                restored.Add(checkedAt, health, responseTimeMs);
                recent.Add(checkedAt, health, responseTimeMs, now);
            }

            window = restored;
        }
        else
        {
            window = await RebuildWindowAsync();
        }

        state.State.UptimeWindow = null;
        lastSnapshotAt = now;
    }

    private async Task<UptimeWindow> RebuildWindowAsync()
    {
        var now = time.GetUtcNow();
        var rebuilt = new UptimeWindow();
        var from = now - TimeSpan.FromDays(UptimeWindow.DaySlots - 1);
        var hours = await history.SumByHourAsync(Id, from.UtcDateTime.Date, now + TimeSpan.FromDays(1));
        foreach (var (hour, counts) in hours.OrderBy(h => h.Key))
        {
            rebuilt.AddHour(hour, counts);
        }

        windowChanges++;
        return rebuilt;
    }

    private async Task SnapshotWindowIfDueAsync()
    {
        if (windowChanges != windowChangesSnapshotted && time.GetUtcNow() - lastSnapshotAt >= SnapshotInterval + TimeSpan.FromSeconds(Id % 300))
        {
            await SnapshotWindowAsync();
        }
    }

    /// <summary>
    /// Writes the window as of the start of the oldest check in flight (or now), so everything checked from
    /// then on can be read back from service_status without being counted twice.
    /// </summary>
    private async Task SnapshotWindowAsync()
    {
        if (window is null || windowChanges == windowChangesSnapshotted)
        {
            return;
        }

        var now = time.GetUtcNow();
        var cut = inFlight is { Count: > 0 } running ? running.Min(f => f.StartedAt) : now;
        if (cut < now - RecentResults.Span)
        {
            return;
        }

        var changes = windowChanges;
        state.State.UptimeWindow = recent.WindowBefore(window, cut).Encode();
        state.State.CoveredUntil = cut;
        try
        {
            await state.WriteStateAsync();
            windowChangesSnapshotted = changes;
            lastSnapshotAt = now;
        }
        catch (Exception ex) when (ex is Orleans.Storage.InconsistentStateException or OrleansException or TimeoutException or Npgsql.NpgsqlException)
        {
            LogSnapshotFailed(logger, Id, ex.Message);
        }
        finally
        {
            state.State.UptimeWindow = null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not store the uptime window of service {ServiceId}: {Reason}")]
    private static partial void LogSnapshotFailed(ILogger logger, long serviceId, string reason);
}
