using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Monitoring.Grains.Data;
using Npgsql;

namespace Monitoring.Grains.History;

/// <summary>
/// Keeps the history's partitions (sql/migrations/0011): makes service_status's weekly partitions two weeks ahead and
/// service_status_hourly's monthly ones a month ahead, drops those wholly older than the retention (so a result is
/// kept between the retention and a week more, its sums up to a month more), and deletes what lies outside dated partitions (the default ones,
/// and the table from before partitioning) a few thousand rows per statement, so inserts are never blocked for long.
/// One silo at a time prunes: the others skip the run while a session advisory lock is held.
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

    /// <summary>
    /// Makes the partitions ahead, drops the ones wholly before <paramref name="cutoff"/> and deletes the other results
    /// checked before it; answers how many results were deleted row by row (dropped partitions are logged, not counted),
    /// or 0 when another silo is pruning.
    /// </summary>
    public async Task<long> PruneAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);

        // A session lock on a pooled connection: released in the finally even when taking it failed half way (the
        // server may hold it after a timeout or a cancel), since pooled connections are not reset on return.
        var locked = false;
        try
        {
            await using (var tryLock = new NpgsqlCommand($"SELECT pg_try_advisory_lock({LockKey})", connection))
            {
                locked = (bool)(await tryLock.ExecuteScalarAsync(cancellationToken))!;
            }

            if (!locked)
            {
                return 0;
            }

            var now = time.GetUtcNow();
            try
            {
                await using var partitions = new NpgsqlCommand("""
                    SELECT history_partitions_ensure('service_status', 'week', $1 - interval '1 day', $1 + interval '14 days'),
                           history_partitions_ensure('service_status_hourly', 'month', $1 - interval '1 day', $1 + interval '35 days')
                    """, connection).With(now);
                await partitions.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.LockNotAvailable)
            {
                // A long reader held the default partition: partitions are made two weeks ahead, the next run makes them.
                LogEnsurePostponed(logger, ex.MessageText);
            }

            try
            {
                await using var drop = new NpgsqlCommand(
                    "SELECT history_partitions_drop('service_status', $1) + history_partitions_drop('service_status_hourly', $1)", connection).With(cutoff);
                if (Convert.ToInt64(await drop.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) is > 0 and var dropped)
                {
                    LogDropped(logger, dropped, options.Value.Retention.TotalDays);
                }
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.LockNotAvailable)
            {
                // Busy writers held the table past the lock timeout: the next run drops them.
                LogDropPostponed(logger, ex.MessageText);
            }

            long total = 0;
            foreach (var (table, key, holdsResults) in await UndatedPartitionsAsync(connection, cancellationToken))
            {
                var deleted = await DeleteOlderAsync(connection, table, key, cutoff, cancellationToken);
                total += holdsResults ? deleted : 0;
            }

            // Incidents resolved, and deliveries finished, before the cutoff go with the history they are about
            // (deleting an incident deletes its deliveries).
            foreach (var sql in new[]
            {
                "DELETE FROM alert_deliveries WHERE state <> 'pending' AND created_at < $1",
                "DELETE FROM incidents WHERE status = 'resolved' AND resolved_at < $1",
            })
            {
                await using var alerting = new NpgsqlCommand(sql, connection).With(cutoff);
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
            try
            {
                // Also when taking it seemed to fail (false when this session does not hold it).
                await using var unlock = new NpgsqlCommand($"SELECT pg_advisory_unlock({LockKey})", connection);
                await unlock.ExecuteNonQueryAsync(CancellationToken.None);
            }
            catch (NpgsqlException) when (connection.FullState.HasFlag(System.Data.ConnectionState.Broken) || !locked)
            {
                // A broken session took its lock with it.
            }
        }
    }

    /// <summary>
    /// The partitions that are not one week's or one month's (the default ones and the table from before partitioning),
    /// with the column they are ranged by and whether they hold results (or their hourly sums).
    /// </summary>
    private static async Task<List<(string Table, string Key, bool HoldsResults)>> UndatedPartitionsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT c.relname, CASE p.relname WHEN 'service_status' THEN 'checked_at' ELSE 'hour' END, p.relname = 'service_status'
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
            WHERE p.relname IN ('service_status', 'service_status_hourly') AND c.relname !~ '_p[0-9]+$'
            """, connection);
        var tables = new List<(string, string, bool)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            tables.Add((reader.GetString(0), reader.GetString(1), reader.GetBoolean(2)));
        }

        return tables;
    }

    /// <summary>Deletes the rows of <paramref name="table"/> older than <paramref name="cutoff"/>, a batch per statement; answers how many.</summary>
    private async Task<long> DeleteOlderAsync(NpgsqlConnection connection, string table, string key, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        long total = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            // ctid: the hourly sums have no id; a batch of row addresses found through the BRIN or (service_id, hour) index.
            await using var delete = new NpgsqlCommand($"""
                DELETE FROM {table} WHERE ctid = ANY (ARRAY(SELECT ctid FROM {table} WHERE {key} < $1 LIMIT $2))
                """, connection).With(cutoff).With(options.Value.PruneBatchSize);
            var deleted = await delete.ExecuteNonQueryAsync(cancellationToken);
            total += deleted;
            if (deleted < options.Value.PruneBatchSize)
            {
                break;
            }
        }

        return total;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped {Count} history partitions older than {Days} days")]
    private static partial void LogDropped(ILogger logger, long count, double days);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Making the next history partitions waits for the next run: {Reason}")]
    private static partial void LogEnsurePostponed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropping old history partitions waits for the next run: {Reason}")]
    private static partial void LogDropPostponed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Count} results older than {Days} days")]
    private static partial void LogPruned(ILogger logger, long count, double days);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pruning old results failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
