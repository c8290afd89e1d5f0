using Microsoft.Extensions.Logging;

namespace Monitoring.Grains.Fleet;

/// <summary>
/// Answers "is this silo still a member of the fleet?" from a fresh read of the membership table. A silo that
/// was frozen (SIGSTOP, a VM paused, a stop-the-world pause) may have been declared dead meanwhile and its
/// services taken over by another silo; its timers all fire late the moment it resumes. A timer that fires
/// late asks here first, so the resumed silo does not run the checks its successor already ran (Orleans
/// stops the dead silo's process soon after it reads its own status).
/// Concurrent askers share one table read; a read counts for every asker whose <c>since</c> is not after it
/// started (best effort: Orleans may join a refresh already in flight). A read that takes more than 10 s
/// counts as "cannot tell", and the check runs.
/// </summary>
public sealed partial class MembershipConfirmation(
    IClusterMembershipService membership,
    ILocalSiloDetails local,
    TimeProvider time,
    ILogger<MembershipConfirmation> logger)
{
    /// <summary>
    /// How long a late check waits for the read. A silo just resumed from a freeze is catching up on everything at
    /// once: 2 s was too short there (measured: the reads timed out and 559 checks ran twice).
    /// </summary>
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

    private readonly Lock gate = new();
    private (DateTimeOffset StartedAt, Task<bool> Answer)? latest;

    /// <summary>
    /// True when a membership read that started at or after <paramref name="since"/> shows this silo Active (or
    /// when the table cannot be read: a check that may run twice is better than one that never runs); false
    /// when the fleet declared this silo dead or it is leaving.
    /// </summary>
    public Task<bool> StillActiveAsync(DateTimeOffset since)
    {
        lock (gate)
        {
            if (latest is { } read && read.StartedAt >= since)
            {
                return read.Answer;
            }

            var startedAt = time.GetUtcNow();

            // Off the asking grain's scheduler: the read is shared by grains of every activation.
            var answer = Task.Run(ReadAsync);
            latest = (startedAt, answer);
            return answer;
        }
    }

    private async Task<bool> ReadAsync()
    {
        try
        {
            // Bounded: a late check waits for this, and PostgreSQL may be slow or away.
            await membership.Refresh().AsTask().WaitAsync(ReadTimeout);
            var status = membership.CurrentSnapshot.GetSiloStatus(local.SiloAddress);
            if (status != SiloStatus.Active)
            {
                LogNotActive(logger, status);
                return false;
            }

            return true;
        }
        catch (Exception ex)
        {
            LogUnknown(logger, ex.Message);
            return true;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "This silo resumed late and the fleet sees it as {Status}: late checks are left to the silos that took its services over")]
    private static partial void LogNotActive(ILogger logger, SiloStatus status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not confirm this silo's membership after a late timer; running the check anyway: {Reason}")]
    private static partial void LogUnknown(ILogger logger, string reason);
}
