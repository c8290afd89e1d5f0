namespace Monitoring.Grains.Delivery;

/// <summary>
/// When a delivery is attempted again (alerting.md, "Deliveries"): about 5 s, 30 s, 2 min, 10 min and 30 min
/// after the failed attempts, then hourly, for at most 24 h after the delivery was created; a receiver's
/// <c>Retry-After</c> replaces the planned delay.
/// </summary>
public static class RetrySchedule
{
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromHours(24);

    private static readonly TimeSpan[] Delays =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1),
    ];

    /// <summary>The delay after the <paramref name="attemptsMade"/>-th failed attempt (1-based), before Retry-After.</summary>
    public static TimeSpan DelayAfter(int attemptsMade) => Delays[Math.Clamp(attemptsMade, 1, Delays.Length) - 1];

    /// <summary>
    /// When to try again after <paramref name="attemptsMade"/> attempts failed, the last at <paramref name="now"/>;
    /// null when that would be more than 24 h after <paramref name="createdAt"/> (the delivery has failed).
    /// </summary>
    public static DateTimeOffset? NextAttempt(int attemptsMade, DateTimeOffset createdAt, DateTimeOffset now, TimeSpan? retryAfter = null)
    {
        var delay = retryAfter is { } asked ? (asked < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : asked) : DelayAfter(attemptsMade);
        var next = now + delay;
        return next > createdAt + GiveUpAfter ? null : next;
    }
}
