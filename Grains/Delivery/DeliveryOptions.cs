namespace Monitoring.Grains.Delivery;

/// <summary>The dispatcher's settings (section <c>Alerting</c>).</summary>
public sealed class DeliveryOptions
{
    /// <summary>How often each silo looks for due deliveries when nothing woke it: 1 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a claim holds: 40 s, longer than an attempt (15 s) with room for storing its outcome; a delivery
    /// whose silo died mid-attempt is taken over once it ends, within 60 s as alerting.md promises.
    /// </summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(40);

    /// <summary>Attempts in flight on one silo at most: 64.</summary>
    public int MaxConcurrentAttempts { get; set; } = 64;
}
