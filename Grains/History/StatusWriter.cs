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
    /// <summary>The DI key of the writer's own <see cref="NpgsqlDataSource"/> (a pool apart from the grains').</summary>
    public const string DataSourceKey = "results";

    /// <summary>
    /// Connections of the writer's pool: it uses one at a time (a COPY or a replay), and connection attempts it gave up
    /// on may hold a few more until Npgsql ends them.
    /// </summary>
    public const int PoolSize = 4;

    private static readonly TimeSpan DrainDeadline = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan FirstReplayDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LastReplayDelay = TimeSpan.FromSeconds(5);

    // One attempt to reach PostgreSQL may not hold the loop longer than this (Npgsql's own default is 15 s).
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(5);

    // A COPY still running after this is taken for a PostgreSQL that went away without closing the connection (a
    // partition; Npgsql would wait out its CommandTimeout, 30 s by default): what it holds goes to the journal.
    private static readonly TimeSpan StallAfter = AttemptTimeout;

    // A COPY is cancelled after this: its batch is on disk since StallAfter, and replays wait for it to end.
    private static readonly TimeSpan CopyGivenUpAfter = TimeSpan.FromSeconds(15);

    // A writer is behind only while it commits: within this of its last COPY (longer than a COPY of a slow PostgreSQL
    // takes, shorter than the stall of one that went away, whose results go to the journal, so nothing is paced for it).
    private static readonly TimeSpan BehindWhileCommittedWithin = TimeSpan.FromSeconds(2);

    // While journaling, a segment gathers results for this long, so an outage makes a few files a second.
    private static readonly TimeSpan JournalGathering = TimeSpan.FromMilliseconds(200);

    // A replay stores at most this many results (whole segments, each in its own transaction) before its outcome is
    // applied and the next starts: the hand-overs of the oldest complete while a long outage's backlog is still stored.
    private const int ReplayRowsPerAttempt = 20_000;

    private readonly Channel<Pending> queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(options.Value.BufferCapacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly int congestedAt = Math.Max(1, options.Value.BufferCapacity - (options.Value.BufferCapacity / 10));
    private readonly int behindAt = Math.Max(1, Math.Min(2 * options.Value.MaxBatchSize, options.Value.BufferCapacity - (options.Value.BufferCapacity / 10)));

    private readonly StatusIdReservoir reservoir = new(options.Value.IdBlockSize);

    // Touched only by the writer loop: journal segments not yet stored, with the hand-overs still waiting for them.
    // Waiting is aligned with the segment's drafts: null where the hand-over completed at once (or the segment is from an earlier run).
    private readonly List<(JournalSegment Segment, Pending?[]? Waiting)> journaled = [];
    private TimeSpan replayDelay = FirstReplayDelay;
    private long nextReplayAt;
    private long refused;
    private int waitingOnJournal;
    private long lastCommittedAt;
    private long replaysStored;
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
    /// Whether results come faster than this writer stores them: at least two full COPYs (2 ×
    /// <see cref="HistoryOptions.MaxBatchSize"/>) wait in memory although a COPY committed within the last 2 s. A
    /// PostgreSQL that is away or stalled does not make the writer behind (nothing commits; the results go to the
    /// journal); a silo or a PostgreSQL short of capacity does, and the admission then paces scheduled checks as it does
    /// for late timers. Measured (issue 16): a saturated silo whose writer fell behind stayed behind, its waiting results
    /// making every collection dearer, with commit latencies of 10 s and more.
    /// </summary>
    public bool Behind => queue.Reader.Count >= behindAt && Stopwatch.GetElapsedTime(Volatile.Read(ref lastCommittedAt)) < BehindWhileCommittedWithin;

    /// <summary>
    /// From now on every COPY starts as soon as the last one ended (<see cref="HistoryOptions.CommitInterval"/> no
    /// longer waited out): for a silo handing its services over, whose grains each wait for their results to be stored
    /// before they move.
    /// </summary>
    public void CommitPromptly() => prompt = true;

    /// <summary>
    /// A mark to tell later whether results may have reached service_status without their grains in between (a journal
    /// replay): taken before a read of a service's results, see <see cref="NothingReplayedSince"/>.
    /// </summary>
    public ReplayMark MarkReplays() => new(journal.Bytes == 0 ? Volatile.Read(ref replaysStored) : -1);

    /// <summary>
    /// Whether this writer replayed no journal segment into PostgreSQL since <paramref name="mark"/> and its journal was
    /// empty when it was taken (other silos' writers, and results of abandoned checks, are not covered).
    /// </summary>
    public bool NothingReplayedSince(ReplayMark mark) => mark.Replays >= 0 && Volatile.Read(ref replaysStored) == mark.Replays;

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
        Commit? committing = null;
        while (true)
        {
            bool open;
            try
            {
                if (committing is { Stalled: false })
                {
                    // Results gather in the queue while a COPY runs; only a COPY still running after StallAfter changes that.
                    await WaitForCommitAsync(committing);
                    open = !queue.Reader.Completion.IsCompleted;
                    if (!committing.Task.IsCompleted)
                    {
                        await JournalStalledAsync(committing);
                    }
                }
                else if (replaying is not null && committing is null && queue.Reader.Count < options.Value.MaxBatchSize)
                {
                    // What gathers while a replay runs goes to the journal only if the replay leaves segments behind: wait
                    // for it (one gathering at most), not for input. Woken by input, the loop wrote a segment every turn
                    // and replayed one, so a silo checking steadily never left the journal after an outage (measured:
                    // 500 checks/s, results stored 40 s late a minute after PostgreSQL came back).
                    await Task.WhenAny(replaying, Task.Delay(JournalGathering, CancellationToken.None));
                    open = !queue.Reader.Completion.IsCompleted;
                }
                else
                {
                    TimeSpan? limit = journaled.Count > 0 && replaying is null && committing is null ? UntilReplay() : null;
                    open = await WaitForInputAsync(limit, (Task?)committing?.Task ?? replaying);
                }

                if (committing is not null && (committing.Task.IsCompleted || !open))
                {
                    var finished = committing;
                    committing = null;
                    await FinishCommitAsync(finished);
                }

                if (replaying is { IsCompleted: true })
                {
                    var attempt = await replaying;
                    replaying = null;
                    ApplyReplay(attempt);
                }
            }
            catch (Exception ex)
            {
                // A bug here must not stop the silo's only writer (FinishCommitAsync and ApplyReplay handle the expected).
                LogLoopFailed(logger, ex);
                open = !queue.Reader.Completion.IsCompleted;
            }

            // Journaling: segments wait for their replay, or a COPY hangs (its batch and what follows go to disk).
            var journaling = journaled.Count > 0 || committing is not null;
            if (open && !journaling)
            {
                await GatherAsync(lastCopyAt);
            }

            Take(batch);
            if (journaling && batch.Count > 0 && batch.Count < options.Value.MaxBatchSize && open && replaying is null && !ReplayDue(committing, open))
            {
                // Away: a segment gathers for a while (a replay under way or due has just been waited for, or comes next).
                await Task.Delay(JournalGathering, CancellationToken.None);
                Take(batch);
            }

            try
            {
                if (batch.Count > 0)
                {
                    if (journaling)
                    {
                        await JournalAsync(batch.ToArray(), ids: null, refuseWhenFull: true);
                    }
                    else
                    {
                        lastCopyAt = Stopwatch.GetTimestamp();
                        committing = StartCommit(batch.ToArray(), drainDeadline.Token);
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
            // attempt waits for a PostgreSQL that does not answer; its outcome is applied here, on a later turn. Not
            // while a COPY runs: the two would share the id reservoir, and a hanging COPY says PostgreSQL is away.
            if (replaying is null && ReplayDue(committing, open))
            {
                replaying = AttemptReplayAsync(SegmentsToReplay(), drainDeadline.Token);
            }

            if (!open && replaying is not null)
            {
                var attempt = await replaying;
                replaying = null;
                ApplyReplay(attempt);
            }

            if (!open && committing is null && queue.Reader.Count == 0
                && (journaled.Count == 0 || drainDeadline.IsCancellationRequested || Stopwatch.GetTimestamp() < nextReplayAt))
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

    /// <summary>Waits for <paramref name="commit"/> to end, at most until it has run for <see cref="StallAfter"/>.</summary>
    private static async Task WaitForCommitAsync(Commit commit)
    {
        var left = StallAfter - Stopwatch.GetElapsedTime(commit.StartedAt);
        if (left <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new CancellationTokenSource();
        var delay = Task.Delay(left, timer.Token);
        await Task.WhenAny(commit.Task, delay);
        await timer.CancelAsync();
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

    /// <summary>
    /// Whether journaled segments may be replayed now (the caller checks that none is under way): no COPY runs, and any
    /// backoff is over or the silo is stopping (<paramref name="open"/> false: it tries once more before it goes).
    /// </summary>
    private bool ReplayDue(Commit? committing, bool open) =>
        journaled.Count > 0 && committing is null && (!open || Stopwatch.GetTimestamp() >= nextReplayAt);

    private TimeSpan UntilReplay()
    {
        var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), nextReplayAt);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    /// <summary>
    /// Completes the hand-overs of stored rows: <paramref name="batch"/>, <paramref name="ids"/> and
    /// <paramref name="stored"/> are aligned (a null hand-over completed earlier; a null row was refused).
    /// </summary>
    private void Complete(IReadOnlyList<Pending?> batch, IReadOnlyList<long> ids, IReadOnlyList<StatusDraft?> stored, IReadOnlyList<StatusDraft> drafts)
    {
        metrics.BatchSize.Record(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            var pending = batch[i];
            if (stored[i] is not { } draft)
            {
                metrics.Lost.Add(1);
                LogLostRow(logger, drafts[i].ServiceId);
                pending?.Completion.TrySetException(new ResultNotStoredException("PostgreSQL refused the result, even without the target's texts"));
                continue;
            }

            metrics.Written.Add(1);
            if (pending is null)
            {
                continue;
            }

            var result = draft.Result;
            metrics.CommitLatency.Record(Stopwatch.GetElapsedTime(pending.HandedOverAt).TotalSeconds);
            pending.Completion.TrySetResult(new StatusRecord(
                ids[i], draft.ServiceId, draft.ClientId, result.Status, result.StatusCode, result.ResponseTimeMs,
                result.ReportedStatus, result.Error, result.DetailsJson, draft.Trigger, draft.CheckedAt, draft.InMaintenance, result.TlsExpiresAt, result.ConditionResultsJson));
        }
    }

    private void Finish(Pending?[]? waiting, Action<Pending> complete)
    {
        if (waiting is null)
        {
            return;
        }

        foreach (var pending in waiting)
        {
            if (pending is not null)
            {
                Interlocked.Decrement(ref waitingOnJournal);
                complete(pending);
            }
        }
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "A COPY of {Count} results has run for {Seconds} s; PostgreSQL is taken to be away and results go to the journal {Folder}")]
    private static partial void LogStalled(ILogger logger, int count, double seconds, string folder);

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
