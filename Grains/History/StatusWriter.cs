using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Monitoring.Grains.Interfaces.Models;
using Npgsql;
using NpgsqlTypes;

namespace Monitoring.Grains.History;

/// <summary>
/// Group commit of check results: every grain of the silo hands its result over and awaits it; one loop
/// writes whatever has gathered with a single binary COPY and completes each hand-over with the stored
/// record once the COPY has committed. While PostgreSQL is away the results wait in a bounded buffer and the
/// batch is retried with the same ids; a result the buffer cannot take is refused, counted and logged.
/// </summary>
public sealed partial class StatusWriter(
    NpgsqlDataSource dataSource,
    IOptions<HistoryOptions> options,
    HistoryMetrics metrics,
    ILogger<StatusWriter> logger) : BackgroundService
{
    private const string Copy = """
        COPY service_status (id, service_id, client_id, status, status_code, response_time_ms, reported_status, error, details, trigger, checked_at)
        FROM STDIN (FORMAT BINARY)
        """;

    private static readonly TimeSpan DrainDeadline = TimeSpan.FromSeconds(20);

    private readonly Channel<Pending> queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(options.Value.BufferCapacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly StatusIdReservoir reservoir = new(options.Value.IdBlockSize);
    private long refused;

    /// <summary>Results waiting for their commit.</summary>
    public int Backlog => queue.Reader.Count;

    /// <summary>Hands a result over; the task completes with the stored record once it is committed.</summary>
    public Task<StatusRecord> WriteAsync(StatusDraft draft)
    {
        var pending = new Pending(draft, Stopwatch.GetTimestamp());
        if (queue.Writer.TryWrite(pending))
        {
            return pending.Completion.Task;
        }

        metrics.Refused.Add(1);
        var total = Interlocked.Increment(ref refused);
        if (total == 1 || total % 1000 == 0)
        {
            LogRefused(logger, total, options.Value.BufferCapacity);
        }

        return Task.FromException<StatusRecord>(new ResultNotStoredException(
            $"the result of service {draft.ServiceId} was refused: {options.Value.BufferCapacity} results already wait for PostgreSQL"));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var stopping = stoppingToken.Register(() => queue.Writer.TryComplete());
        using var drainDeadline = new CancellationTokenSource();
        stoppingToken.Register(() => drainDeadline.CancelAfter(DrainDeadline));

        var batch = new List<Pending>(options.Value.MaxBatchSize);
        while (await queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < options.Value.MaxBatchSize && queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            await CommitWithRetriesAsync(batch, drainDeadline.Token);
            batch.Clear();
        }
    }

    private async Task CommitWithRetriesAsync(List<Pending> batch, CancellationToken giveUp)
    {
        long[]? ids = null;
        var attempt = 0;
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            attempt++;
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(giveUp);
                ids ??= await reservoir.TakeAsync(connection, batch.Count, giveUp);
                await CopyAsync(connection, batch, ids, giveUp);
                Complete(batch, ids);
                return;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation && attempt > 1)
            {
                // The previous attempt committed but its acknowledgement was lost: the ids are already there.
                Complete(batch, ids!);
                return;
            }
            catch (PostgresException ex) when (!ex.IsTransient && batch.Count > 1)
            {
                // A row PostgreSQL refuses must not hold the others back: write them one by one.
                LogRejectedBatch(logger, batch.Count, ex.SqlState, ex.MessageText);
                foreach (var single in batch.ToList())
                {
                    await CommitWithRetriesAsync([single], giveUp);
                }

                return;
            }
            catch (PostgresException ex) when (!ex.IsTransient)
            {
                metrics.Lost.Add(1);
                LogRejectedRow(logger, batch[0].Draft.ServiceId, ex.SqlState, ex.MessageText);
                batch[0].Completion.TrySetException(new ResultNotStoredException($"PostgreSQL refused the result ({ex.SqlState})"));
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or OperationCanceledException or IOException)
            {
                if (giveUp.IsCancellationRequested)
                {
                    metrics.Lost.Add(batch.Count);
                    LogLostAtShutdown(logger, batch.Count + queue.Reader.Count);
                    foreach (var pending in batch)
                    {
                        pending.Completion.TrySetException(new ResultNotStoredException("the silo stopped before PostgreSQL could store the result"));
                    }

                    return;
                }

                LogRetrying(logger, batch.Count, queue.Reader.Count, delay.TotalMilliseconds, ex.Message);
                try
                {
                    await Task.Delay(delay, giveUp);
                }
                catch (OperationCanceledException)
                {
                }

                delay = TimeSpan.FromMilliseconds(Math.Min(5000, delay.TotalMilliseconds * 2));
            }
        }
    }

    private static async Task CopyAsync(NpgsqlConnection connection, List<Pending> batch, long[] ids, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(Copy, cancellationToken);
        for (var i = 0; i < batch.Count; i++)
        {
            var draft = batch[i].Draft;
            var result = draft.Result;
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(ids[i], NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(draft.ServiceId, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(draft.ClientId, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(result.Status, NpgsqlDbType.Varchar, cancellationToken);
            await WriteNullableAsync(importer, result.StatusCode, NpgsqlDbType.Integer, cancellationToken);
            await importer.WriteAsync(result.ResponseTimeMs, NpgsqlDbType.Integer, cancellationToken);
            await WriteNullableAsync(importer, result.ReportedStatus, NpgsqlDbType.Text, cancellationToken);
            await WriteNullableAsync(importer, result.Error, NpgsqlDbType.Text, cancellationToken);
            await WriteNullableAsync(importer, result.DetailsJson, NpgsqlDbType.Jsonb, cancellationToken);
            await importer.WriteAsync(draft.Trigger, NpgsqlDbType.Varchar, cancellationToken);
            await importer.WriteAsync(draft.CheckedAt.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
        }

        await importer.CompleteAsync(cancellationToken);
    }

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter importer, T? value, NpgsqlDbType type, CancellationToken cancellationToken) =>
        value is null ? importer.WriteNullAsync(cancellationToken) : importer.WriteAsync(value, type, cancellationToken);

    private void Complete(List<Pending> batch, long[] ids)
    {
        metrics.BatchSize.Record(batch.Count);
        metrics.Committed.Add(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            var draft = batch[i].Draft;
            var result = draft.Result;
            metrics.CommitLatency.Record(Stopwatch.GetElapsedTime(batch[i].HandedOverAt).TotalMilliseconds);
            batch[i].Completion.TrySetResult(new StatusRecord(
                ids[i], draft.ServiceId, draft.ClientId, result.Status, result.StatusCode, result.ResponseTimeMs,
                result.ReportedStatus, result.Error, result.DetailsJson, draft.Trigger, draft.CheckedAt));
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Refused a check result: {Capacity} results already wait for PostgreSQL ({Refused} refused so far)")]
    private static partial void LogRefused(ILogger logger, long refused, int capacity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storing {Count} results failed ({Waiting} more waiting); retrying in {DelayMs} ms: {Reason}")]
    private static partial void LogRetrying(ILogger logger, int count, int waiting, double delayMs, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL refused a batch of {Count} results ({SqlState}: {Reason}); writing them one by one")]
    private static partial void LogRejectedBatch(ILogger logger, int count, string sqlState, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "PostgreSQL refused the result of service {ServiceId} ({SqlState}: {Reason}); it is lost")]
    private static partial void LogRejectedRow(ILogger logger, long serviceId, string sqlState, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Gave up {Count} unstored results at shutdown: PostgreSQL did not come back in time")]
    private static partial void LogLostAtShutdown(ILogger logger, int count);

    private sealed class Pending(StatusDraft draft, long handedOverAt)
    {
        public StatusDraft Draft { get; } = draft;

        public long HandedOverAt { get; } = handedOverAt;

        public TaskCompletionSource<StatusRecord> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
