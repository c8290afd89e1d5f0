using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Grains.Checking;

/// <summary>
/// Keeps the silo's own stop-the-world pauses out of what a check says about its target. A garbage collection that
/// suspends every thread of the silo (seconds, with a heap of millions of services) is time the check's stopwatch and
/// timeout count although the target may have answered long before: a healthy target reads as slow (degraded) or
/// timed out (down), and an incident opens for it. A check that was not up and overlapped at least
/// <see cref="RecheckAfterPause"/> of such pauses is therefore run once more, and the second answer is the one kept.
/// </summary>
/// <remarks>
/// Measured with <see cref="GC.GetTotalPauseDuration"/> (the process's total stop-the-world time since start). A
/// target that is really slow or down is so again on the second check, so nothing true is hidden; the cost is one extra
/// request, only after a long pause. A freeze of the whole process (a stopped VM) is not a collection and is not seen
/// here; the clock's lateness guard (<c>Scheduling:ConfirmMembershipWhenLateBy</c>) covers what such a freeze does to
/// the schedule.
/// </remarks>
public static class PauseAwareCheck
{
    /// <summary>The pause a check may overlap before a result other than up is checked again (100 ms).</summary>
    public static readonly TimeSpan RecheckAfterPause = TimeSpan.FromMilliseconds(100);

    /// <summary>The process's stop-the-world pause time so far (monotonic).</summary>
    public static TimeSpan ProcessPauses() => GC.GetTotalPauseDuration();

    /// <summary>Whether a result of <paramref name="status"/> from a check that overlapped <paramref name="paused"/> is checked again.</summary>
    public static bool CallsForRecheck(HealthStatus status, TimeSpan paused) => status != HealthStatus.Up && paused >= RecheckAfterPause;

    /// <summary>
    /// Runs <paramref name="check"/>, and once more when <see cref="CallsForRecheck"/> says so; returns the result kept and
    /// whether it came from the second run. <paramref name="pauses"/> reads the process's total pause time.
    /// </summary>
    public static async Task<(CheckResult Result, bool Rechecked)> RunAsync(Func<Task<CheckResult>> check, Func<TimeSpan> pauses)
    {
        var before = pauses();
        var result = await check();
        if (!CallsForRecheck(result.Status, pauses() - before))
        {
            return (result, false);
        }

        return (await check(), true);
    }
}
