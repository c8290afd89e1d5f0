using Microsoft.Extensions.Time.Testing;
using Monitoring.Grains.Delivery;

namespace Monitoring.UnitTests.Delivery;

/// <summary>
/// alerting.md, "Deliveries": a delivery the receiver did not accept is attempted again after about 5 s, 30 s,
/// 2 min, 10 min, 30 min, then hourly, for at most 24 h after it was created (then it has failed); a
/// receiver's <c>Retry-After</c> replaces the planned delay, and is never taken as less than 1 s.
/// </summary>
public sealed class RetryScheduleTests
{
    private static readonly DateTimeOffset Created = Times.At("2026-11-29T12:00:00Z");

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 30)]
    [InlineData(3, 120)]
    [InlineData(4, 600)]
    [InlineData(5, 1800)]
    [InlineData(6, 3600)]
    [InlineData(7, 3600)]
    [InlineData(12, 3600)]
    [InlineData(28, 3600)]
    public void The_delay_after_each_failed_attempt_follows_the_contract(int attemptsMade, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), RetrySchedule.DelayAfter(attemptsMade));
    }

    [Theory]
    [InlineData(1, 0, 5)]
    [InlineData(2, 5, 35)]
    [InlineData(3, 35, 155)]
    [InlineData(4, 155, 755)]
    [InlineData(5, 755, 2555)]
    [InlineData(6, 2555, 6155)]
    [InlineData(9, 13_355, 16_955)]
    public void The_next_attempt_is_the_delay_after_the_last_failed_one(int attemptsMade, int lastAttemptSecond, int expectedSecond)
    {
        var next = RetrySchedule.NextAttempt(attemptsMade, Created, Created.AddSeconds(lastAttemptSecond));

        Assert.Equal(Created.AddSeconds(expectedSecond), next);
    }

    [Fact]
    public void A_receiver_that_never_accepts_is_tried_29_times_within_24_hours_then_the_delivery_fails()
    {
        // 0, 5 s, 35 s, 2m 35s, 12m 35s, 42m 35s, then hourly from 1h 42m 35s up to 23h 42m 35s: 1 + 5 + 23 attempts.
        var time = new FakeTimeProvider(Created);
        var gaps = new List<TimeSpan>();
        var attempts = 0;
        DateTimeOffset? next = time.GetUtcNow();
        while (next is { } due)
        {
            Assert.True(due <= Created + TimeSpan.FromHours(24), $"attempt {attempts + 1} planned at {due:O}, more than 24 h after creation");
            gaps.Add(due - time.GetUtcNow());
            time.Advance(due - time.GetUtcNow());
            attempts++;
            next = RetrySchedule.NextAttempt(attempts, Created, time.GetUtcNow());
        }

        Assert.Equal(29, attempts);
        Assert.Equal(
            new[] { 0, 5, 30, 120, 600, 1800 }.Select(s => TimeSpan.FromSeconds(s)).Concat(Enumerable.Repeat(TimeSpan.FromHours(1), 23)),
            gaps);
        Assert.Equal(Created + new TimeSpan(23, 42, 35), time.GetUtcNow());
    }

    [Theory]
    // The planned attempt falls exactly 24 h after creation: still made.
    [InlineData(6, 23 * 3600, true)]
    // One second later: past the 24 h, the delivery has failed.
    [InlineData(6, (23 * 3600) + 1, false)]
    [InlineData(1, (24 * 3600) - 5, true)]
    [InlineData(1, (24 * 3600) - 4, false)]
    [InlineData(1, 24 * 3600, false)]
    [InlineData(20, 25 * 3600, false)]
    public void No_attempt_is_planned_more_than_24_hours_after_creation(int attemptsMade, int lastAttemptSecond, bool planned)
    {
        var next = RetrySchedule.NextAttempt(attemptsMade, Created, Created.AddSeconds(lastAttemptSecond));

        Assert.Equal(planned, next is not null);
    }

    [Theory]
    [InlineData(1, 120, 120)]
    [InlineData(6, 90, 90)]
    [InlineData(3, 7200, 7200)]
    [InlineData(1, 1, 1)]
    public void Retry_after_replaces_the_planned_delay(int attemptsMade, int retryAfterSeconds, int expectedDelaySeconds)
    {
        var now = Created.AddMinutes(1);

        var next = RetrySchedule.NextAttempt(attemptsMade, Created, now, TimeSpan.FromSeconds(retryAfterSeconds));

        Assert.Equal(now.AddSeconds(expectedDelaySeconds), next);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(500)]
    [InlineData(999)]
    [InlineData(-30_000)]
    public void A_retry_after_below_one_second_waits_one_second(int retryAfterMilliseconds)
    {
        var now = Created.AddMinutes(1);

        var next = RetrySchedule.NextAttempt(4, Created, now, TimeSpan.FromMilliseconds(retryAfterMilliseconds));

        Assert.Equal(now.AddSeconds(1), next);
    }

    [Fact]
    public void A_retry_after_beyond_the_24_hours_ends_the_delivery()
    {
        var now = Created.AddHours(23);

        Assert.Null(RetrySchedule.NextAttempt(2, Created, now, TimeSpan.FromHours(2)));
    }
}
