using System.Diagnostics;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Sql;
using Npgsql;

namespace Monitoring.Grains.History;

/// <summary>The writer's journal side: batches written to disk while PostgreSQL is away, and their replay.</summary>
public sealed partial class StatusWriter
{
    /// <summary>
    /// Writes <paramref name="batch"/> to the journal as one segment. Its manual checks and pings, and hand-overs past
    /// the memory bound, complete at once as journaled; the rest wait for the replay. When the journal cannot take it,
    /// the batch is refused when <paramref name="refuseWhenFull"/>, else left as it is. Returns the segment, or null.
    /// </summary>
    private async Task<JournalSegment?> JournalAsync(Pending[] batch, long[]? ids, bool refuseWhenFull)
    {
        JournalSegment? segment;
        try
        {
            segment = await journal.AppendAsync(batch.Select(p => p.Draft).ToList(), ids, CancellationToken.None);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogJournalFailed(logger, journal.Folder, ex.Message);
            segment = null;
        }

        if (segment is null)
        {
            if (refuseWhenFull)
            {
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetException(Refuse(pending.Draft.ServiceId, "PostgreSQL is unreachable and the silo's result journal is full"));
                }
            }

            return null;
        }

        if (journaled.Count == 0)
        {
            replayDelay = FirstReplayDelay;
            nextReplayAt = Stopwatch.GetTimestamp() + (long)(replayDelay.TotalSeconds * Stopwatch.Frequency);
        }

        // A caller of the API should not wait for the outage to end: the result is safe on disk.
        var waiting = new Pending?[batch.Length];
        var count = 0;
        for (var i = 0; i < batch.Length; i++)
        {
            var pending = batch[i];
            if (pending.Draft.Trigger is Services.CheckTrigger.Manual or Services.CheckTrigger.Ping || Volatile.Read(ref waitingOnJournal) + count >= options.Value.BufferCapacity)
            {
                pending.Completion.TrySetException(new ResultJournaledException("PostgreSQL is unreachable; the result is kept on the silo's disk and stored when it is back"));
            }
            else
            {
                waiting[i] = pending;
                count++;
            }
        }

        Interlocked.Add(ref waitingOnJournal, count);
        journaled.Add((segment, waiting));
        return segment;
    }

    /// <summary>
    /// One attempt to store <paramref name="segments"/> (the oldest first, each in its own transaction): those stored,
    /// with their ids and rows, up to the first that failed and what failed it. Never throws.
    /// </summary>
    private async Task<ReplayAttempt> AttemptReplayAsync(IReadOnlyList<JournalSegment> segments, CancellationToken giveUp)
    {
        var stored = new List<StoredSegment>(segments.Count);
        foreach (var segment in segments)
        {
            try
            {
                var (ids, rows) = await StoreSegmentAsync(segment, giveUp);
                stored.Add(new StoredSegment(segment, ids, rows));
            }
            catch (Exception ex)
            {
                return new ReplayAttempt(stored, segment, ex);
            }
        }

        return new ReplayAttempt(stored, null, null);
    }

    /// <summary>
    /// The oldest segments, up to <see cref="ReplayRowsPerAttempt"/> results (at least one): a replay takes all that
    /// waits, so it outruns the results journaled meanwhile instead of keeping pace with them.
    /// </summary>
    private List<JournalSegment> SegmentsToReplay()
    {
        var segments = new List<JournalSegment>();
        var rows = 0;
        foreach (var (segment, _) in journaled)
        {
            if (segments.Count > 0 && rows + segment.Drafts.Count > ReplayRowsPerAttempt)
            {
                break;
            }

            segments.Add(segment);
            rows += segment.Drafts.Count;
        }

        return segments;
    }

    /// <summary>Applies an attempt on the oldest segments (the ones it was made on: only this removes segments).</summary>
    private void ApplyReplay(ReplayAttempt attempt)
    {
        try
        {
            foreach (var stored in attempt.Stored)
            {
                ApplyStored(stored);
            }

            if (attempt.Failed is { } failed)
            {
                ApplyFailure(failed, attempt.Failure!);
            }
        }
        catch (Exception ex)
        {
            // A file that cannot be deleted or moved: the segment stays first and is tried again (its id in
            // status_journal_replays makes that a no-op once it was stored); the writer goes on.
            LogLoopFailed(logger, ex);
            nextReplayAt = Stopwatch.GetTimestamp() + (long)(LastReplayDelay.TotalSeconds * Stopwatch.Frequency);
        }
    }

    private void ApplyFailure(JournalSegment failed, Exception failure)
    {
        var (segment, waiting) = journaled[0];
        Debug.Assert(ReferenceEquals(segment, failed), "only the oldest segment is replayed");
        if (!StoreErrors.IsUnavailable(failure) && !StoreErrors.IsDuplicate(failure))
        {
            // Not expected (refused rows are handled inside): the file is set aside for an operator, not deleted.
            LogSegmentRejected(logger, segment.Id, StoreErrors.CodeOf(failure), failure.Message);
            journal.SetAside(segment);
            journaled.RemoveAt(0);
            metrics.Lost.Add(segment.Drafts.Count);
            Finish(waiting, pending => pending.Completion.TrySetException(new ResultNotStoredException($"PostgreSQL refused the journaled result ({StoreErrors.CodeOf(failure)})")));
            return;
        }

        dataSource.ClearPoolIfBroken(failure);
        replayDelay = TimeSpan.FromTicks(Math.Min(LastReplayDelay.Ticks, replayDelay.Ticks * 2));
        nextReplayAt = Stopwatch.GetTimestamp() + (long)(replayDelay.TotalSeconds * Stopwatch.Frequency);
        LogStillAway(logger, journaled.Sum(j => j.Segment.Drafts.Count), replayDelay.TotalMilliseconds, failure.Message);
    }

    private void ApplyStored(StoredSegment stored)
    {
        var (segment, waiting) = journaled[0];
        Debug.Assert(ReferenceEquals(segment, stored.Segment), "only the oldest segment is replayed");
        journal.Remove(segment);
        journaled.RemoveAt(0);
        Interlocked.Increment(ref replaysStored);
        nextReplayAt = 0;
        ReleaseWaiting(waiting);
        Complete(waiting ?? new Pending?[segment.Drafts.Count], stored.Ids, stored.Rows, segment.Drafts);
        if (journaled.Count == 0)
        {
            LogReplayed(logger, journal.Folder);
        }
    }

    /// <summary>The hand-overs of a segment no longer count as waiting on the journal (they complete next).</summary>
    private void ReleaseWaiting(Pending?[]? waiting)
    {
        if (waiting is not null)
        {
            Interlocked.Add(ref waitingOnJournal, -waiting.Count(p => p is not null));
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

        StatusDraft?[] stored;
        if (segment.Ids is not null && await ExistingAsync(connection, transaction, ids, giveUp) is { Count: > 0 } existing)
        {
            // The COPY before the outage committed (all of it, or all but the rows PostgreSQL refused): nothing to add.
            stored = segment.Drafts.Select((draft, i) => existing.Contains(ids[i]) ? draft : null).ToArray();
        }
        else
        {
            stored = await StatusCopy.CopyCarefullyAsync(connection, transaction, segment.Drafts, ids, giveUp);
        }

        await transaction.CommitAsync(giveUp);
        return (ids, stored);
    }

    /// <summary>
    /// Which of these ids are stored. A COPY is one transaction, so any of them stored means the COPY made before the
    /// outage committed although its acknowledgement was lost.
    /// </summary>
    private static async Task<HashSet<long>> ExistingAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long[] ids, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT id FROM service_status WHERE id = ANY($1)", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = ids });
        var existing = new HashSet<long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            existing.Add(reader.GetInt64(0));
        }

        return existing;
    }

    private sealed record StoredSegment(JournalSegment Segment, IReadOnlyList<long> Ids, StatusDraft?[] Rows);

    /// <summary>The segments an attempt stored, oldest first, then the one that failed (if any) and why.</summary>
    private sealed record ReplayAttempt(IReadOnlyList<StoredSegment> Stored, JournalSegment? Failed, Exception? Failure);
}
