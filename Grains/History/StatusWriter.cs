using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Sql;
using Npgsql;

namespace Monitoring.Grains.History;

/// <summary>
/// Group commit of check results: every grain of the silo hands its result over and awaits it; one loop
/// writes whatever has gathered with a single binary COPY and completes each hand-over with the stored
/// record once the COPY has committed. When PostgreSQL cannot be reached, batches go to the local
/// <see cref="ResultJournal"/> instead (so a silo that stops or dies keeps them) and are replayed, oldest
/// first and exactly once, as soon as PostgreSQL answers again or the silo starts again; the hand-overs
/// complete at replay. Nothing a target sent can make a batch fail (see <see cref="StatusCopy"/>).
/// </summary>
public sealed partial class StatusWriter(
    NpgsqlDataSource dataSource,
    IOptions<HistoryOptions> options,
    HistoryMetrics metrics,
    ResultJournal journal,
    ILogger<StatusWriter> logger) : BackgroundService
{
    private static readonly TimeSpan DrainDeadline = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan FirstReplayDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LastReplayDelay = TimeSpan.FromSeconds(5);

    // One attempt to reach PostgreSQL may not hold the loop longer than this (Npgsql's own default is 15 s).
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(5);

    // While journaling, a segment gathers results for this long, so an outage makes a few files a second.
    private static readonly TimeSpan JournalGathering = TimeSpan.FromMilliseconds(200);

    private readonly Channel<Pending> queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(options.Value.BufferCapacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly int congestedAt = Math.Max(1, options.Value.BufferCapacity - (options.Value.BufferCapacity / 10));

    private readonly StatusIdReservoir reservoir = new(options.Value.IdBlockSize);

    // Touched only by the writer loop: journal segments not yet stored, with the hand-overs still waiting for them.
    private readonly List<(JournalSegment Segment, List<Pending>? Waiting)> journaled = [];
    private TimeSpan replayDelay = FirstReplayDelay;
    private long nextReplayAt;
    private long refused;
    private int waitingOnJournal;
    private volatile bool stopped;
    private volatile bool prompt;

    /// <summary>Results waiting for their commit, in memory.</summary>
    public int Backlog => queue.Reader.Count + Volatile.Read(ref waitingOnJournal);

    /// <summary>
    /// Whether the results waiting in memory, untaken by this writer (to PostgreSQL or to the journal), are within a
    /// tenth of <see cref="HistoryOptions.BufferCapacity"/>, past which results are refused: a silo that checked on
    /// would run checks only to throw their results away, so its scheduled checks are skipped instead (counted as
    /// <c>saturated</c>) until the writer catches up. Only a writer about to refuse is congested, so this skips nothing
    /// that would have been stored (an outage's first stalled COPY fills the buffer just as a saturated silo does);
    /// results waiting for a journal replay do not count.
    /// </summary>
    public bool Congested => queue.Reader.Count >= congestedAt;

    /// <summary>
    /// From now on every COPY starts as soon as the last one ended (<see cref="HistoryOptions.CommitInterval"/> no
    /// longer waited out): for a silo handing its services over, whose grains each wait for their results to be stored
    /// before they move.
    /// </summary>
    public void CommitPromptly() => prompt = true;

    /// <summary>Bytes of results in the local journal, waiting for PostgreSQL.</summary>
    public long JournalBytes => journal.Bytes;

    /// <summary>Hands a result over; the task completes with the stored record once it is committed.</summary>
    public Task<StatusRecord> WriteAsync(StatusDraft draft)
    {
        // Texts from targets are made storable here, whoever built the draft: nothing a target sent may fail a batch.
        var pending = new Pending(draft with { Result = draft.Result.Storable() }, Stopwatch.GetTimestamp());
        if (queue.Writer.TryWrite(pending))
        {
            return pending.Completion.Task;
        }

        var reason = stopped ? "the silo is stopping" : $"{options.Value.BufferCapacity} results already wait in memory";
        return Task.FromException<StatusRecord>(Refuse(draft.ServiceId, reason));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var stopping = stoppingToken.Register(() =>
        {
            stopped = true;
            queue.Writer.TryComplete();
        });
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
        var lastCopyAt = 0L;
        Task<ReplayAttempt>? replaying = null;
        while (true)
        {
            var open = await WaitForInputAsync(journaled.Count > 0 && replaying is null ? UntilReplay() : null, replaying);
            if (replaying is { IsCompleted: true })
            {
                ApplyReplay(await replaying);
                replaying = null;
            }

            if (open && journaled.Count == 0)
            {
                await GatherAsync(lastCopyAt);
            }

            lastCopyAt = Stopwatch.GetTimestamp();
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
            }
            catch (Exception ex)
            {
                // A bug here must not stop the silo's only writer: the batch fails, the loop goes on.
                LogLoopFailed(logger, ex);
                batch.ForEach(p => p.Completion.TrySetException(new ResultNotStoredException($"the result writer failed: {ex.Message}")));
            }

            batch.Clear();

            // The oldest segment is stored beside the loop, so results keep going to the journal (and to disk) while an
            // attempt waits for a PostgreSQL that does not answer; its outcome is applied here, on a later turn.
            if (journaled.Count > 0 && replaying is null && (Stopwatch.GetTimestamp() >= nextReplayAt || !open))
            {
                replaying = AttemptReplayAsync(journaled[0].Segment, drainDeadline.Token);
            }

            if (!open && replaying is not null)
            {
                ApplyReplay(await replaying);
                replaying = null;
            }

            if (!open && queue.Reader.Count == 0 && (journaled.Count == 0 || drainDeadline.IsCancellationRequested || Stopwatch.GetTimestamp() < nextReplayAt))
            {
                break;
            }
        }

        foreach (var (_, waiting) in journaled)
        {
            Finish(waiting, pending => pending.Completion.TrySetException(new ResultJournaledException(
                "the silo stopped before PostgreSQL came back; the result is kept on the silo's disk and stored when it starts again")));
        }

        if (journaled.Count > 0)
        {
            LogLeftInJournal(logger, journaled.Sum(j => j.Segment.Drafts.Count), journal.Folder);
        }
    }

    /// <summary>Waits out the rest of <see cref="HistoryOptions.CommitInterval"/> since the last COPY started, unless a full batch waits already.</summary>
    private async Task GatherAsync(long lastCopyAt)
    {
        var left = options.Value.CommitInterval - Stopwatch.GetElapsedTime(lastCopyAt);
        if (left > TimeSpan.Zero && queue.Reader.Count < options.Value.MaxBatchSize && !stopped && !prompt)
        {
            await Task.Delay(left, CancellationToken.None);
        }
    }

    private void Take(List<Pending> batch)
    {
        while (batch.Count < options.Value.MaxBatchSize && queue.Reader.TryRead(out var pending))
        {
            batch.Add(pending);
        }
    }

    /// <summary>
    /// Waits for results, at most <paramref name="limit"/> and at most until <paramref name="replay"/> ends; false once
    /// the queue is completed and empty.
    /// </summary>
    private async Task<bool> WaitForInputAsync(TimeSpan? limit, Task? replay)
    {
        if (limit is null && replay is null)
        {
            return await queue.Reader.WaitToReadAsync(CancellationToken.None);
        }

        using var wake = new CancellationTokenSource();
        if (limit is { } wait)
        {
            wake.CancelAfter(wait);
        }

        var input = queue.Reader.WaitToReadAsync(wake.Token).AsTask();
        await Task.WhenAny(input, replay ?? input);
        await wake.CancelAsync();
        return input.IsCompletedSuccessfully ? input.Result : !queue.Reader.Completion.IsCompleted;
    }

    private TimeSpan UntilReplay()
    {
        var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), nextReplayAt);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    /// <summary>
    /// A connection within <see cref="AttemptTimeout"/>, or a <see cref="TimeoutException"/>. Npgsql does not give up on
    /// a server that accepts the connection and never answers before its own connection Timeout (15 s by default, tried
    /// with a silent relay: the token passed is not honoured there), so the wait is bounded here; an open that succeeds
    /// after it was given up on is closed at once.
    /// </summary>
    private async Task<NpgsqlConnection> OpenAsync(CancellationToken giveUp)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(giveUp);
        attempt.CancelAfter(AttemptTimeout);
        var opening = dataSource.OpenConnectionAsync(attempt.Token).AsTask();
        try
        {
            return await opening.WaitAsync(AttemptTimeout, giveUp);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException && !opening.IsCompleted)
        {
            _ = opening.ContinueWith(
                late => { if (late.IsCompletedSuccessfully) { late.Result.Dispose(); } else { _ = late.Exception; } },
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
    }

    /// <summary>
    /// The common case is one COPY in its own implicit transaction. When PostgreSQL refuses rows, the batch is
    /// stored again in one transaction that finds and handles them; when it cannot be reached, the batch goes
    /// to the journal with the ids it got, so a COPY that committed before its acknowledgement was lost is
    /// recognised at replay.
    /// </summary>
    private async Task CommitAsync(List<Pending> batch, CancellationToken giveUp)
    {
        var drafts = batch.Select(p => p.Draft).ToArray();
        long[]? ids = null;
        try
        {
            StatusDraft?[] stored;
            await using (var connection = await OpenAsync(giveUp))
            {
                ids = await reservoir.TakeAsync(connection, batch.Count, giveUp);
                try
                {
                    await StatusCopy.CopyAsync(connection, drafts, ids, giveUp);
                    stored = drafts;
                }
                catch (Exception ex) when (StoreErrors.IsRowRefusal(ex))
                {
                    LogRejectedBatch(logger, batch.Count, StoreErrors.CodeOf(ex), ex.Message);
                    stored = null!;
                }
            }

            if (stored is null)
            {
                await using var connection = await OpenAsync(giveUp);
                await using var transaction = await connection.BeginTransactionAsync(giveUp);
                stored = await StatusCopy.CopyCarefullyAsync(connection, transaction, drafts, ids, giveUp);
                await transaction.CommitAsync(giveUp);
            }

            Complete(batch, ids, stored);
        }
        catch (Exception ex) when (StoreErrors.IsUnavailable(ex))
        {
            dataSource.ClearPoolIfBroken(ex);
            LogJournaling(logger, batch.Count, journal.Folder, ex.Message);
            await JournalAsync(batch, ids);
        }
    }

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
                pending.Completion.TrySetException(Refuse(pending.Draft.ServiceId, "PostgreSQL is unreachable and the silo's result journal is full"));
            }

            return;
        }

        if (journaled.Count == 0)
        {
            replayDelay = FirstReplayDelay;
            nextReplayAt = Stopwatch.GetTimestamp() + (long)(replayDelay.TotalSeconds * Stopwatch.Frequency);
        }

        // Manual checks and pings, and hand-overs past the memory bound, complete now (the result is safe on disk): a
        // caller of the API should not wait for the outage to end. The rest wait for the replay and its events.
        var waiting = new List<Pending>(batch.Count);
        foreach (var pending in batch)
        {
            if (pending.Draft.Trigger is Services.CheckTrigger.Manual or Services.CheckTrigger.Ping || Volatile.Read(ref waitingOnJournal) + waiting.Count >= options.Value.BufferCapacity)
            {
                pending.Completion.TrySetException(new ResultJournaledException("PostgreSQL is unreachable; the result is kept on the silo's disk and stored when it is back"));
            }
            else
            {
                waiting.Add(pending);
            }
        }

        Interlocked.Add(ref waitingOnJournal, waiting.Count);
        journaled.Add((segment, waiting));
    }

    /// <summary>One attempt to store <paramref name="segment"/>: its ids and rows, or what failed it. Never throws.</summary>
    private async Task<ReplayAttempt> AttemptReplayAsync(JournalSegment segment, CancellationToken giveUp)
    {
        try
        {
            var (ids, stored) = await StoreSegmentAsync(segment, giveUp);
            return new ReplayAttempt(segment, ids, stored, null);
        }
        catch (Exception ex)
        {
            return new ReplayAttempt(segment, null, null, ex);
        }
    }

    /// <summary>Applies an attempt on the oldest segment (the one it was made on: only this removes segments).</summary>
    private void ApplyReplay(ReplayAttempt attempt)
    {
        try
        {
            ApplyReplayCore(attempt);
        }
        catch (Exception ex)
        {
            // A file that cannot be deleted or moved: the segment stays first and is tried again (its id in
            // status_journal_replays makes that a no-op once it was stored); the writer goes on.
            LogLoopFailed(logger, ex);
            nextReplayAt = Stopwatch.GetTimestamp() + (long)(LastReplayDelay.TotalSeconds * Stopwatch.Frequency);
        }
    }

    private void ApplyReplayCore(ReplayAttempt attempt)
    {
        var (segment, waiting) = journaled[0];
        Debug.Assert(ReferenceEquals(segment, attempt.Segment), "only the oldest segment is replayed");
        if (attempt.Failure is { } refusal && !StoreErrors.IsUnavailable(refusal) && !StoreErrors.IsDuplicate(refusal))
        {
            // Not expected (refused rows are handled inside): the file is set aside for an operator, not deleted.
            LogSegmentRejected(logger, segment.Id, StoreErrors.CodeOf(refusal), refusal.Message);
            journal.SetAside(segment);
            journaled.RemoveAt(0);
            metrics.Lost.Add(segment.Drafts.Count);
            Finish(waiting, pending => pending.Completion.TrySetException(new ResultNotStoredException($"PostgreSQL refused the journaled result ({StoreErrors.CodeOf(refusal)})")));
            return;
        }

        if (attempt.Failure is { } away)
        {
            dataSource.ClearPoolIfBroken(away);
            replayDelay = TimeSpan.FromTicks(Math.Min(LastReplayDelay.Ticks, replayDelay.Ticks * 2));
            nextReplayAt = Stopwatch.GetTimestamp() + (long)(replayDelay.TotalSeconds * Stopwatch.Frequency);
            LogStillAway(logger, journaled.Sum(j => j.Segment.Drafts.Count), replayDelay.TotalMilliseconds, away.Message);
            return;
        }

        journal.Remove(segment);
        journaled.RemoveAt(0);
        nextReplayAt = 0;
        if (waiting is null)
        {
            metrics.Written.Add(attempt.Stored!.Count(s => s is not null));
        }
        else
        {
            Interlocked.Add(ref waitingOnJournal, -waiting.Count);
            Complete(waiting, attempt.Ids!, attempt.Stored!);
        }

        if (journaled.Count == 0)
        {
            LogReplayed(logger, journal.Folder);
        }
    }

    /// <summary>
    /// Stores a segment in one transaction together with its id in status_journal_replays. A segment already
    /// recorded there was stored before (the file outlived the commit): its ids are read back instead. Ids
    /// the segment brought from before the outage may already be stored (a COPY whose acknowledgement was lost).
    /// </summary>
    private async Task<(IReadOnlyList<long> Ids, StatusDraft?[] Stored)> StoreSegmentAsync(JournalSegment segment, CancellationToken giveUp)
    {
        await using var connection = await OpenAsync(giveUp);
        await using (var done = new NpgsqlCommand("SELECT ids FROM status_journal_replays WHERE segment_id = $1", connection))
        {
            done.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = segment.Id });
            if (await done.ExecuteScalarAsync(giveUp) is long[] earlier)
            {
                return (earlier, segment.Drafts.ToArray());
            }
        }

        await using var transaction = await connection.BeginTransactionAsync(giveUp);
        var ids = segment.Ids?.ToArray() ?? await reservoir.TakeAsync(connection, segment.Drafts.Count, giveUp);
        await using (var record = new NpgsqlCommand("INSERT INTO status_journal_replays (segment_id, ids) VALUES ($1, $2)", connection, transaction))
        {
            record.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = segment.Id });
            record.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = ids });
            await record.ExecuteNonQueryAsync(giveUp);
        }

        var stored = segment.Drafts.ToArray() as StatusDraft?[];
        if (segment.Ids is null || !await AllStoredAsync(connection, transaction, ids, giveUp))
        {
            stored = await StatusCopy.CopyCarefullyAsync(connection, transaction, segment.Drafts, ids, giveUp);
        }

        await transaction.CommitAsync(giveUp);
        return (ids, stored);
    }

    /// <summary>Whether rows with these ids exist: a COPY whose acknowledgement was lost before the outage did commit.</summary>
    private static async Task<bool> AllStoredAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long[] ids, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT count(*) FROM service_status WHERE id = ANY($1)", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = ids });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))! == ids.Length;
    }

    private void Complete(List<Pending> batch, IReadOnlyList<long> ids, IReadOnlyList<StatusDraft?> stored)
    {
        metrics.BatchSize.Record(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            if (stored[i] is not { } draft)
            {
                metrics.Lost.Add(1);
                LogLostRow(logger, batch[i].Draft.ServiceId);
                batch[i].Completion.TrySetException(new ResultNotStoredException("PostgreSQL refused the result, even without the target's texts"));
                continue;
            }

            var result = draft.Result;
            metrics.Written.Add(1);
            metrics.CommitLatency.Record(Stopwatch.GetElapsedTime(batch[i].HandedOverAt).TotalSeconds);
            batch[i].Completion.TrySetResult(new StatusRecord(
                ids[i], draft.ServiceId, draft.ClientId, result.Status, result.StatusCode, result.ResponseTimeMs,
                result.ReportedStatus, result.Error, result.DetailsJson, draft.Trigger, draft.CheckedAt, draft.InMaintenance, result.TlsExpiresAt, result.ConditionResultsJson));
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL refused rows of a batch of {Count} results ({SqlState}: {Reason}); storing it again row by row where needed")]
    private static partial void LogRejectedBatch(ILogger logger, int count, string sqlState, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "PostgreSQL refused a result of service {ServiceId} even without the target's texts; it is lost")]
    private static partial void LogLostRow(ILogger logger, long serviceId);

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

    private sealed record ReplayAttempt(JournalSegment Segment, IReadOnlyList<long>? Ids, StatusDraft?[]? Stored, Exception? Failure);

    private sealed record Pending(StatusDraft Draft, long HandedOverAt)
    {
        public TaskCompletionSource<StatusRecord> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
