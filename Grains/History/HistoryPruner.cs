using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Monitoring.Grains.History;

/// <summary>
/// Deletes results older than the retention, a few thousand rows per statement (found through the BRIN
/// index on checked_at), so no statement holds locks for long and inserts are never blocked. One silo at a
/// time prunes: the others skip the run while a session advisory lock is held.
/// </summary>
public sealed partial class HistoryPruner(NpgsqlDataSource dataSource, IOptions<HistoryOptions> options, TimeProvider time, ILogger<HistoryPruner> logger)
    : BackgroundService
{
    private const long LockKey = 7_305_511_202_612;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var ticks = new PeriodicTimer(options.Value.PruneInterval, time);
        do
        {
            try
            {
                var deleted = await PruneAsync(time.GetUtcNow() - options.Value.Retention, stoppingToken);
                if (deleted > 0)
                {
                    LogPruned(logger, deleted, options.Value.Retention.TotalDays);
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                LogFailed(logger, ex.Message);
            }
        }
        while (await ticks.WaitForNextTickAsync(stoppingToken).AsTask().ContinueWith(t => !t.IsCanceled && t.Result, TaskScheduler.Default));
    }

    /// <summary>Deletes every result checked before <paramref name="cutoff"/>; answers how many, or 0 when another silo is pruning.</summary>
    public async Task<long> PruneAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var tryLock = new NpgsqlCommand($"SELECT pg_try_advisory_lock({LockKey})", connection))
        {
            if (!(bool)(await tryLock.ExecuteScalarAsync(cancellationToken))!)
            {
                return 0;
            }
        }

        try
        {
            long total = 0;
            while (!cancellationToken.IsCancellationRequested)
            {
                await using var delete = new NpgsqlCommand("""
                    DELETE FROM service_status WHERE id IN (
                        SELECT id FROM service_status WHERE checked_at < $1 LIMIT $2)
                    """, connection);
                delete.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = cutoff });
                delete.Parameters.Add(new NpgsqlParameter<int> { TypedValue = options.Value.PruneBatchSize });
                var deleted = await delete.ExecuteNonQueryAsync(cancellationToken);
                total += deleted;
                if (deleted < options.Value.PruneBatchSize)
                {
                    break;
                }
            }

            // Incidents resolved, and deliveries finished, before the cutoff go with the history they are about
            // (deleting an incident deletes its deliveries).
            foreach (var sql in new[]
            {
                "DELETE FROM alert_deliveries WHERE state <> 'pending' AND created_at < $1",
                "DELETE FROM incidents WHERE status = 'resolved' AND resolved_at < $1",
            })
            {
                await using var alerting = new NpgsqlCommand(sql, connection);
                alerting.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = cutoff });
                await alerting.ExecuteNonQueryAsync(cancellationToken);
            }

            // A replay record only matters while its journal file could still be around: a week is plenty.
            await using (var replays = new NpgsqlCommand("DELETE FROM status_journal_replays WHERE replayed_at < now() - interval '7 days'", connection))
            {
                await replays.ExecuteNonQueryAsync(cancellationToken);
            }

            return total;
        }
        finally
        {
            await using var unlock = new NpgsqlCommand($"SELECT pg_advisory_unlock({LockKey})", connection);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Count} results older than {Days} days")]
    private static partial void LogPruned(ILogger logger, long count, double days);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pruning old results failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
