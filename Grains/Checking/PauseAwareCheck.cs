using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Grains.Checking;

/// <summary>
/// Keeps the silo's own stop-the-world pauses out of what a scheduled check says about its target. A garbage
/// collection that suspends every thread of the silo (seconds, with a heap of millions of services) is time the check's
/// stopwatch and timeout count although the target may have answered long before: a healthy target reads as slow
/// (degraded) or timed out (down). When a scheduled check's verdict came from time alone and the silo's pauses during it
/// explain it, the check is made once more and the second answer, with its own start time, is the one stored.
/// </summary>
/// <remarks>
/// "Came from time and is explained by the pauses": the result is not up, its response time reached the time limit
/// (the smaller of the degraded threshold and the timeout), and without the pauses it would not have
/// (<c>response_time_ms − paused &lt; limit</c>), the pauses adding up to at least <see cref="MinPause"/>. An answer
/// that is down for another reason (a 5xx, a refused connection, a failed condition) is never checked again; nor is a
/// target whose slowness the pauses do not account for, nor a manual check (its caller waits) or an HTTP POST (its body
/// is not sent twice). Pauses are read with <see cref="GC.GetTotalPauseDuration"/> around the whole check (after its
/// check slot was taken; classification included), so they can only overstate what the target's stopwatch saw: at worst an extra check. A
/// freeze of the whole process (a stopped VM) is not a collection and is not seen here.
/// </remarks>
public static class PauseAwareCheck
{
    /// <summary>The least pause time (summed over the check) that may call for a second check: 100 ms.</summary>
    public static readonly TimeSpan MinPause = TimeSpan.FromMilliseconds(100);

    /// <summary>Whether a scheduled check of this service may be made twice: not an HTTP POST.</summary>
    public static bool MayRecheck(string? method) => !string.Equals(method, "POST", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The time limit of a service's verdicts in ms: the smaller of <paramref name="degradedThresholdMs"/> (when set) and
    /// <paramref name="timeoutMs"/>.
    /// </summary>
    public static int TimeLimitMs(int? degradedThresholdMs, int timeoutMs) =>
        degradedThresholdMs is { } threshold ? Math.Min(threshold, timeoutMs) : timeoutMs;

    /// <summary>Whether <paramref name="result"/>, from a check that overlapped <paramref name="paused"/> of pauses, is checked again.</summary>
    public static bool CallsForRecheck(CheckResult result, TimeSpan paused, int timeLimitMs) =>
        result.Status != HealthStatus.Up
        && paused >= MinPause
        && result.ResponseTimeMs >= timeLimitMs
        && result.ResponseTimeMs - paused.TotalMilliseconds < timeLimitMs;

    /// <summary>
    /// Runs <paramref name="check"/>, and once more when <paramref name="mayRecheck"/> and <see cref="CallsForRecheck"/>
    /// say so; returns the result kept and whether it came from the second run. <paramref name="pauses"/> reads the
    /// process's total pause time. Never more than two runs.
    /// </summary>
    public static async Task<(CheckResult Result, bool Rechecked)> RunAsync(Func<Task<CheckResult>> check, Func<TimeSpan> pauses, int timeLimitMs, bool mayRecheck)
    {
        var before = pauses();
        var result = await check();
        if (!mayRecheck || !CallsForRecheck(result, pauses() - before, timeLimitMs))
        {
            return (result, false);
        }

        return (await check(), true);
    }
}
