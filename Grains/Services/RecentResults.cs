using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Checking;
using Monitoring.Grains.Uptime;

namespace Monitoring.Grains.Services;

/// <summary>
/// The results a grain committed in the last few minutes. A window snapshot taken while checks are in
/// flight leaves out what was checked after the oldest of them started; this list is what it subtracts.
/// </summary>
internal sealed class RecentResults
{
    public static readonly TimeSpan Span = TimeSpan.FromMinutes(5);

    private Queue<(DateTimeOffset CheckedAt, HealthStatus Status, int ResponseTimeMs)>? results;

    public void Add(DateTimeOffset checkedAt, HealthStatus status, int responseTimeMs, DateTimeOffset now)
    {
        results ??= new Queue<(DateTimeOffset, HealthStatus, int)>(2);
        if (checkedAt >= now - Span)
        {
            results.Enqueue((checkedAt, status, responseTimeMs));
        }

        while (results.TryPeek(out var oldest) && oldest.CheckedAt < now - Span)
        {
            results.Dequeue();
        }
    }

    /// <summary>A copy of <paramref name="window"/> without the results checked at or after <paramref name="cut"/>.</summary>
    public UptimeWindow WindowBefore(UptimeWindow window, DateTimeOffset cut)
    {
        var copy = window.Clone();
        foreach (var (checkedAt, status, responseTimeMs) in results ?? [])
        {
            if (checkedAt >= cut)
            {
                copy.Remove(checkedAt, status, responseTimeMs);
            }
        }

        return copy;
    }
}
