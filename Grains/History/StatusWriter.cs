using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Monitoring.Grains.Checking;
using Monitoring.Grains.Interfaces.Models;
using Npgsql;
using NpgsqlTypes;

namespace Monitoring.Grains.History;

/// <summary>
/// Group commit of check results: every grain of the silo hands its result over and awaits it; one loop
/// writes whatever has gathered with a single binary COPY and completes each hand-over with the stored
/// record once the COPY has committed. When PostgreSQL cannot be reached, batches go to the local
/// <see cref="ResultJournal"/> instead (so a silo that stops or dies keeps them) and are replayed, oldest
/// first and exactly once, as soon as PostgreSQL answers again or the silo starts again; the hand-overs
/// complete at replay. Nothing a target sent can make a batch fail: a row PostgreSQL refuses is retried
/// alone, then without its texts.
/// </summary>
public sealed partial class StatusWriter(
    NpgsqlDataSource dataSource,
    IOptions<HistoryOptions> options,
    HistoryMetrics metrics,
    ResultJournal journal,
    ILogger<StatusWriter> logger) : BackgroundService
{
    private const string Copy = """
        COPY service_status (id, service_id, client_id, status, status_code, response_time_ms, reported_status, error, details, trigger, checked_at)
        FROM STDIN (FORMAT BINARY)
        """;

    private static readonly TimeSpan DrainDeadline = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan FirstReplayDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LastReplayDelay = TimeSpan.FromSeconds(5);

    // While journaling, a segment gathers results for this long, so an outage makes a few files a second.
    private static readonly TimeSpan JournalGathering = TimeSpan.FromMilliseconds(200);

    private readonly Channel<Pending> queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(options.Value.BufferCapacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly StatusIdReservoir reservoir = new(options.Value.IdBlockSize);

    // Touched only by the writer loop: journal segments not yet stored, with the hand-overs still waiting for them.
    private readonly List<(JournalSegment Segment, List<Pending>? Waiting)> journaled = [];
    private TimeSpan replayDelay = FirstReplayDelay;
    private long nextReplayAt;
    private long refused;
    private int waitingOnJournal;

    /// <summary>Results waiting for their commit, in memory.</summary>
    public int Backlog => queue.Reader.Count + Volatile.Read(ref waitingOnJournal);

    /// <summary>Bytes of results in the local journal, waiting for PostgreSQL.</summary>
    public long JournalBytes => journal.Bytes;

    /// <summary>Hands a result over; the task completes with the stored record once it is committed.</summary>
    public Task<StatusRecord> WriteAsync(StatusDraft draft)
    {
        // Texts from targets are made storable here too, whoever built the draft: nothing a target sent may fail a batch.
        var pending = new Pending(draft with { Result = draft.Result.Storable() }, Stopwatch.GetTimestamp());
        if (queue.Writer.TryWrite(pending))
        {
            return pending.Completion.Task;
        }

        return Task.FromException<StatusRecord>(Refuse(draft.ServiceId, $"{options.Value.BufferCapacity} results already wait in memory"));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var stopping = stoppingToken.Register(() => queue.Writer.TryComplete());
        using var drainDeadline = new CancellationTokenSource();
        stoppingToken.Register(() => drainDeadline.CancelAfter(DrainDeadline));

        foreach (var segment in journal.LoadAll())
        {
            journaled.Add((segment, null));
        }

        if (journaled.Count > 0)
        {
            LogReplayingAtStart(logger, journaled.Count, journaled.Sum(j => j.Segment.Drafts.Count), journal.Folder);
        }

        var batch = new List<Pending>(options.Value.MaxBatchSize);
        while (true)
        {
            var open = await WaitForInputAsync(journaled.Count > 0 ? UntilReplay() : null);
            Take(batch);
            if (journaled.Count > 0 && batch.Count > 0 && batch.Count < options.Value.MaxBatchSize && open)
            {
                await Task.Delay(JournalGathering, CancellationToken.None);
                Take(batch);
            }

            try
            {
                if (batch.Count > 0)
                {
                    if (journaled.Count > 0)
                    {
                        await JournalAsync(batch, ids: null);
                    }
                    else
                    {
                        await CommitAsync(batch, drainDeadline.Token);
                    }
                }

                if (journaled.Count > 0 && (Stopwatch.GetTimestamp() >= nextReplayAt || !open))
                {
                    await ReplayAsync(drainDeadline.Token);
                }
            }
            catch (Exception ex)
            {
                // A bug here must not stop the silo's only writer: the batch fails, the loop goes on.
                LogLoopFailed(logger, ex);
                batch.ForEach(p => p.Completion.TrySetException(new ResultNotStoredException($"the result writer failed: {ex.Message}")));
            }

            batch.Clear();

            if (!open && queue.Reader.Count == 0)
            {
                break;
            }
        }

        foreach (var (segment, waiting) in journaled)
        {
            foreach (var pending in waiting ?? [])
            {
                pending.Completion.TrySetException(new ResultJournaledException(
                    $"the silo stopped before PostgreSQL came back; the result is kept in {journal.Folder} and stored when the silo starts again"));
            }
        }

        if (journaled.Count > 0)
        {
            LogLeftInJournal(logger, journaled.Sum(j => j.Segment.Drafts.Count), journal.Folder);
        }
    }

    private void Take(List<Pending> batch)
    {
        while (batch.Count < options.Value.MaxBatchSize && queue.Reader.TryRead(out var pending))
        {
            batch.Add(pending);
        }
    }

    /// <summary>Waits for results (at most <paramref name="limit"/>); false once the queue is completed and empty.</summary>
    private async Task<bool> WaitForInputAsync(TimeSpan? limit)
    {
        if (limit is null)
        {
            return await queue.Reader.WaitToReadAsync(CancellationToken.None);
        }

        using var timeout = new CancellationTokenSource(limit.Value);
        try
        {
            return await queue.Reader.WaitToReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            return !queue.Reader.Completion.IsCompleted;
        }
    }

    private TimeSpan UntilReplay()
    {
        var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), nextReplayAt);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    private async Task CommitAsync(List<Pending> batch, CancellationToken giveUp)
    {
        long[]? ids = null;
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(giveUp);
            ids = await reservoir.TakeAsync(connection, batch.Count, giveUp);
            await CopyAsync(connection, batch.Select(p => p.Draft).ToList(), ids, giveUp);
            Complete(batch, ids);
        }
        catch (Exception ex) when (IsTransient(ex))
        {
            // Whether or not this COPY committed, the ids (when reserved) go with the segment: its replay
            // recognises rows that are already there.
            LogJournaling(logger, batch.Count, journal.Folder, ex.Message);
            await JournalAsync(batch, ids);
        }
        catch (Exception ex) when (batch.Count > 1)
        {
            // A row PostgreSQL refuses must not hold the others back: write them one by one.
            LogRejectedBatch(logger, batch.Count, SqlState(ex), ex.Message);
            foreach (var single in batch.ToList())
            {
                await CommitAsync([single], giveUp);
            }
        }
        catch (Exception ex)
        {
            var stripped = batch[0].Draft with { Result = WithoutTexts(batch[0].Draft.Result, SqlState(ex)) };
            if (batch[0].Draft.Result != stripped.Result)
            {
                // The texts a target sent are the only part a check can vary; the result itself is kept without them.
                LogRejectedRow(logger, batch[0].Draft.ServiceId, SqlState(ex), ex.Message);
                batch[0] = batch[0] with { Draft = stripped };
                await CommitAsync(batch, giveUp);
                return;
            }

            metrics.Lost.Add(1);
            LogLostRow(logger, batch[0].Draft.ServiceId, SqlState(ex), ex.Message);
            batch[0].Completion.TrySetException(new ResultNotStoredException($"PostgreSQL refused the result ({SqlState(ex)})"));
        }
    }

    /// <summary>An error that says PostgreSQL could not be reached (or answered too late), not that it refused the data.</summary>
    private static bool IsTransient(Exception ex) => ex switch
    {
        PostgresException postgres => postgres.IsTransient,
        NpgsqlException => ex.InnerException is not (EncoderFallbackException or DecoderFallbackException or ArgumentException or InvalidCastException),
        TimeoutException or OperationCanceledException or IOException => true,
        _ => false,
    };

    private static string SqlState(Exception ex) => ex is PostgresException postgres ? postgres.SqlState : ex.GetType().Name;

    private async Task JournalAsync(List<Pending> batch, long[]? ids)
    {
        JournalSegment? segment;
        try
        {
            segment = await journal.AppendAsync(batch.Select(p => p.Draft).ToList(), ids, CancellationToken.None);
        }
        catch (IOException ex)
        {
            LogJournalFailed(logger, journal.Folder, ex.Message);
            segment = null;
        }

        if (segment is null)
        {
            foreach (var pending in batch)
            {
                pending.Completion.TrySetException(Refuse(pending.Draft.ServiceId, $"PostgreSQL is unreachable and the journal in {journal.Folder} is full"));
            }

            return;
        }

        if (journaled.Count == 0)
        {
            replayDelay = FirstReplayDelay;
            nextReplayAt = Stopwatch.GetTimestamp() + (long)(replayDelay.TotalSeconds * Stopwatch.Frequency);
        }

        // Hand-overs past the memory bound complete now (the result is safe on disk); the rest wait for the replay.
        var waiting = batch.ToList();
        if (Volatile.Read(ref waitingOnJournal) + waiting.Count > options.Value.BufferCapacity)
        {
            foreach (var pending in waiting)
            {
                pending.Completion.TrySetException(new ResultJournaledException($"PostgreSQL is unreachable; the result is kept in {journal.Folder} until it is back"));
            }

            waiting = [];
        }

        Interlocked.Add(ref waitingOnJournal, waiting.Count);
        journaled.Add((segment, waiting));
    }

    private async Task ReplayAsync(CancellationToken giveUp)
    {
        while (journaled.Count > 0)
        {
            var (segment, waiting) = journaled[0];
            IReadOnlyList<long> ids;
            try
            {
                ids = await StoreSegmentAsync(segment, giveUp);
            }
            catch (Exception ex) when (!IsTransient(ex))
            {
                // Not expected (texts are made storable before they are journaled); the file is set aside, not deleted.
                LogSegmentRejected(logger, segment.Id, SqlState(ex), ex.Message);
                journal.SetAside(segment);
                journaled.RemoveAt(0);
                metrics.Lost.Add(segment.Drafts.Count);
                Finish(waiting, pending => pending.Completion.TrySetException(new ResultNotStoredException($"PostgreSQL refused the journaled result ({SqlState(ex)})")));
                continue;
            }
            catch (Exception ex)
            {
                replayDelay = TimeSpan.FromTicks(Math.Min(LastReplayDelay.Ticks, replayDelay.Ticks * 2));
                nextReplayAt = Stopwatch.GetTimestamp() + (long)(replayDelay.TotalSeconds * Stopwatch.Frequency);
                LogStillAway(logger, journaled.Sum(j => j.Segment.Drafts.Count), replayDelay.TotalMilliseconds, ex.Message);
                return;
            }

            journal.Remove(segment);
            journaled.RemoveAt(0);
            if (waiting is null)
            {
                metrics.Committed.Add(segment.Drafts.Count);
            }
            else
            {
                Interlocked.Add(ref waitingOnJournal, -waiting.Count);
                Complete(waiting, ids);
            }

            if (journaled.Count == 0)
            {
                LogReplayed(logger, journal.Folder);
            }
        }
    }

    /// <summary>
    /// Stores a segment in one transaction together with its id in status_journal_replays. A segment already
    /// recorded there was stored before (the file outlived the commit): its ids are read back instead.
    /// </summary>
    private async Task<IReadOnlyList<long>> StoreSegmentAsync(JournalSegment segment, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var done = new NpgsqlCommand("SELECT ids FROM status_journal_replays WHERE segment_id = $1", connection))
        {
            done.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = segment.Id });
            if (await done.ExecuteScalarAsync(cancellationToken) is long[] stored)
            {
                return stored;
            }
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var ids = segment.Ids?.ToArray() ?? await reservoir.TakeAsync(connection, segment.Drafts.Count, cancellationToken);
        await using (var record = new NpgsqlCommand("INSERT INTO status_journal_replays (segment_id, ids) VALUES ($1, $2)", connection, transaction))
        {
            record.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = segment.Id });
            record.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = ids });
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        if (segment.Ids is null || !await AllStoredAsync(connection, transaction, ids, cancellationToken))
        {
            await CopyAsync(connection, segment.Drafts, ids, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return ids;
    }

    /// <summary>Whether rows with these ids exist: a COPY whose acknowledgement was lost before the outage did commit.</summary>
    private static async Task<bool> AllStoredAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long[] ids, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT count(*) FROM service_status WHERE id = ANY($1)", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = ids });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))! == ids.Length;
    }

    private static async Task CopyAsync(NpgsqlConnection connection, IReadOnlyList<StatusDraft> drafts, IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(Copy, cancellationToken);
        for (var i = 0; i < drafts.Count; i++)
        {
            var draft = drafts[i];
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

    /// <summary>The result without the texts a target sent, with an error that says they were dropped.</summary>
    private static CheckResult WithoutTexts(CheckResult result, string sqlState) =>
        result.ReportedStatus is null && result.DetailsJson is null && result.Error?.StartsWith("the answer's text", StringComparison.Ordinal) == true
            ? result
            : result with { ReportedStatus = null, DetailsJson = null, Error = $"the answer's text could not be stored (PostgreSQL {sqlState}); it was dropped" };

    private void Complete(List<Pending> batch, IReadOnlyList<long> ids)
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

    private void Finish(List<Pending>? waiting, Action<Pending> complete)
    {
        if (waiting is null)
        {
            return;
        }

        Interlocked.Add(ref waitingOnJournal, -waiting.Count);
        waiting.ForEach(complete);
    }

    private ResultNotStoredException Refuse(long serviceId, string reason)
    {
        metrics.Refused.Add(1);
        var total = Interlocked.Increment(ref refused);
        if (total == 1 || total % 1000 == 0)
        {
            LogRefused(logger, total, reason);
        }

        return new ResultNotStoredException($"the result of service {serviceId} was refused: {reason}");
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Refused a check result: {Reason} ({Refused} refused so far)")]
    private static partial void LogRefused(ILogger logger, long refused, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL refused a batch of {Count} results ({SqlState}: {Reason}); writing them one by one")]
    private static partial void LogRejectedBatch(ILogger logger, int count, string sqlState, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL refused the result of service {ServiceId} ({SqlState}: {Reason}); storing it without the target's texts")]
    private static partial void LogRejectedRow(ILogger logger, long serviceId, string sqlState, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "PostgreSQL refused the result of service {ServiceId} even without its texts ({SqlState}: {Reason}); it is lost")]
    private static partial void LogLostRow(ILogger logger, long serviceId, string sqlState, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storing {Count} results failed; keeping them in the journal {Folder} until PostgreSQL answers: {Reason}")]
    private static partial void LogJournaling(ILogger logger, int count, string folder, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing to the result journal {Folder} failed: {Reason}")]
    private static partial void LogJournalFailed(ILogger logger, string folder, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL still unreachable with {Count} results in the journal; next try in {DelayMs} ms: {Reason}")]
    private static partial void LogStillAway(ILogger logger, int count, double delayMs, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The result journal {Folder} is replayed; results go to PostgreSQL directly again")]
    private static partial void LogReplayed(ILogger logger, string folder);

    [LoggerMessage(Level = LogLevel.Information, Message = "Replaying {Segments} journal segments ({Count} results) left in {Folder}")]
    private static partial void LogReplayingAtStart(ILogger logger, int segments, int count, string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The silo stops with {Count} results in the journal {Folder}; they are stored when it starts again")]
    private static partial void LogLeftInJournal(ILogger logger, int count, string folder);

    [LoggerMessage(Level = LogLevel.Error, Message = "PostgreSQL refused journal segment {SegmentId} ({SqlState}: {Reason}); its file is set aside in the journal's rejected folder")]
    private static partial void LogSegmentRejected(ILogger logger, Guid segmentId, string sqlState, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The result writer failed on a batch; it goes on with the next")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);

    private sealed record Pending(StatusDraft Draft, long HandedOverAt)
    {
        public TaskCompletionSource<StatusRecord> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
