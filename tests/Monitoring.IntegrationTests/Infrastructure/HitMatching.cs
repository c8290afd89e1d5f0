namespace Monitoring.IntegrationTests.Infrastructure;

/// <summary>
/// Pairs the requests a target saw with the results stored for them: each hit takes the latest stored result that
/// started at most <see cref="MaxDelay"/> before it (and not after it) and was not taken by an earlier hit. A lost
/// result leaves a hit without a partner; a loaded machine that delays a request by some hundred milliseconds does not.
/// </summary>
public static class HitMatching
{
    /// <summary>Longest time from a check's start to its request reaching the target: under a second, the services' interval.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(950);

    public static int CountMatched(IEnumerable<DateTimeOffset> hits, IEnumerable<DateTimeOffset> stored)
    {
        var starts = stored.Order().ToList();
        var taken = new bool[starts.Count];
        var matched = 0;
        foreach (var hit in hits.Order())
        {
            for (var i = starts.Count - 1; i >= 0; i--)
            {
                var lag = hit - starts[i];
                if (lag < TimeSpan.FromMilliseconds(-5))
                {
                    continue;
                }

                if (lag > MaxDelay)
                {
                    break;
                }

                if (!taken[i])
                {
                    taken[i] = true;
                    matched++;
                    break;
                }
            }
        }

        return matched;
    }
}
