using System.Diagnostics;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Sql;
using Npgsql;

namespace Monitoring.Grains.History;

/// <summary>The writer's PostgreSQL side: one COPY at a time, run beside the loop.</summary>
public sealed partial class StatusWriter
{
    private Commit StartCommit(Pending[] batch, CancellationToken giveUp)
    {
        var commit = new Commit(batch, giveUp);
        commit.Task = CommitAsync(commit, commit.GiveUp);
        return commit;
    }

    /// <summary>
    /// The common case is one COPY in its own implicit transaction. When PostgreSQL refuses rows, the batch is stored
    /// again in one transaction that finds and handles them. Returns null once committed (the rows are in
    /// <see cref="Commit.Stored"/>), or why PostgreSQL could not be reached; the loop then journals the batch with the
    /// ids it got, so a COPY that committed before its acknowledgement was lost is recognised at replay.
    /// </summary>
    private async Task<Exception?> CommitAsync(Commit commit, CancellationToken giveUp)
    {
        var drafts = commit.Drafts;
        try
        {
            StatusDraft?[] stored;
            await using (var connection = await OpenAsync(giveUp))
            {
                commit.Ids = await reservoir.TakeAsync(connection, drafts.Length, giveUp);
                if (!commit.TryStartCopy())
                {
                    return new TimeoutException("the batch went to the journal before its COPY started");
                }

                try
                {
                    await StatusCopy.CopyAsync(connection, drafts, commit.Ids, giveUp);
                    stored = drafts;
                }
                catch (Exception ex) when (StoreErrors.IsRowRefusal(ex))
                {
                    LogRejectedBatch(logger, drafts.Length, StoreErrors.CodeOf(ex), ex.Message);
                    stored = null!;
                }
            }

            if (stored is null)
            {
                await using var connection = await OpenAsync(giveUp);
                await using var transaction = await connection.BeginTransactionAsync(giveUp);
                stored = await StatusCopy.CopyCarefullyAsync(connection, transaction, drafts, commit.Ids, giveUp);
                await transaction.CommitAsync(giveUp);
            }

            commit.Stored = stored;
            return null;
        }
        catch (Exception ex) when (StoreErrors.IsUnavailable(ex))
        {
            dataSource.ClearPoolIfBroken(ex);
            return ex;
        }
        finally
        {
            commit.DisposeTimer();
        }
    }

    /// <summary>
    /// A COPY has run for <see cref="StallAfter"/>: PostgreSQL is taken to be away, so its batch goes to the journal now
    /// (a silo killed meanwhile keeps it), and so does everything after it until the journal is replayed. A batch whose
    /// COPY has not started is given up by the COPY; one whose COPY runs goes with its ids, which tell at replay whether
    /// the COPY committed after all.
    /// </summary>
    private async Task JournalStalledAsync(Commit commit)
    {
        commit.Stalled = true;
        var givenUp = commit.TryGiveUp();
        var ids = givenUp ? null : commit.Ids;
        LogStalled(logger, commit.Batch.Length, StallAfter.TotalSeconds, journal.Folder);
        commit.Segment = await JournalAsync(commit.Batch, ids, refuseWhenFull: givenUp);
    }

    /// <summary>Applies the end of a COPY (waiting for it when the silo stops).</summary>
    private async Task FinishCommitAsync(Commit commit)
    {
        Exception? away;
        try
        {
            away = await commit.Task;
        }
        catch (Exception ex)
        {
            LogLoopFailed(logger, ex);
            if (!commit.Handled)
            {
                Array.ForEach(commit.Batch, p => p.Completion.TrySetException(new ResultNotStoredException($"the result writer failed: {ex.Message}")));
            }

            return;
        }

        if (away is null)
        {
            if (commit.Segment is { } segment)
            {
                // Stored after all while its copy waited in the journal: the copy goes, its waiting hand-overs complete.
                var index = journaled.FindIndex(j => ReferenceEquals(j.Segment, segment));
                ReleaseWaiting(journaled[index].Waiting);
                journaled.RemoveAt(index);
                try
                {
                    journal.Remove(segment);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Harmless: at the next start its ids are found stored and the file is dropped then.
                    LogJournalFailed(logger, journal.Folder, ex.Message);
                }
            }

            Volatile.Write(ref lastCommittedAt, Stopwatch.GetTimestamp());
            Complete(commit.Batch, commit.Ids!, commit.Stored!, commit.Drafts);
            return;
        }

        if (!commit.Handled)
        {
            LogJournaling(logger, commit.Batch.Length, journal.Folder, away.Message);
            await JournalAsync(commit.Batch, commit.Ids, refuseWhenFull: true);
        }
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
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            _ = opening.ContinueWith(
                late => { if (late.IsCompletedSuccessfully) { late.Result.Dispose(); } else { _ = late.Exception; } },
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
    }

    /// <summary>One batch on its way to PostgreSQL. <see cref="Ids"/> and <see cref="Stored"/> are set by the COPY; the rest by the loop.</summary>
    private sealed class Commit(Pending[] batch, CancellationToken giveUp)
    {
        private readonly CancellationTokenSource timer = CreateTimer(giveUp);
        private int state;

        /// <summary>The COPY's token: the writer's drain deadline, or <see cref="CopyGivenUpAfter"/> from its start.</summary>
        public CancellationToken GiveUp => timer.Token;

        public Pending[] Batch { get; } = batch;

        public StatusDraft[] Drafts { get; } = Array.ConvertAll(batch, p => p.Draft);

        public long StartedAt { get; } = Stopwatch.GetTimestamp();

        public Task<Exception?> Task { get; set; } = null!;

        public long[]? Ids { get; set; }

        public StatusDraft?[]? Stored { get; set; }

        /// <summary>Whether it ran past <see cref="StallAfter"/> (its batch was then offered to the journal).</summary>
        public bool Stalled { get; set; }

        /// <summary>Whether the journal took care of the batch (or refused it): the COPY's failure needs nothing more.</summary>
        public bool Handled => Volatile.Read(ref state) == 2 || Segment is not null;

        /// <summary>The batch's copy in the journal, made while its COPY ran.</summary>
        public JournalSegment? Segment { get; set; }

        /// <summary>Called by the COPY once it has its ids: false when the loop gave the batch to the journal first.</summary>
        public bool TryStartCopy() => Interlocked.CompareExchange(ref state, 1, 0) == 0;

        /// <summary>Called by the loop: true when the COPY had not started and now never will.</summary>
        public bool TryGiveUp() => Interlocked.CompareExchange(ref state, 2, 0) == 0;

        public void DisposeTimer() => timer.Dispose();

        private static CancellationTokenSource CreateTimer(CancellationToken giveUp)
        {
            var source = CancellationTokenSource.CreateLinkedTokenSource(giveUp);
            source.CancelAfter(CopyGivenUpAfter);
            return source;
        }
    }
}
