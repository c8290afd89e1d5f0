using Microsoft.Extensions.Time.Testing;
using Monitoring.Grains.Checking;

namespace Monitoring.UnitTests.Checking;

/// <summary>
/// A check's timeout from a deadline shared by the checks whose timeouts end in the same tick: never before the
/// timeout, at most one tick (50 ms) after it, one source per tick and timeout, and none kept once fired.
/// </summary>
public sealed class CheckDeadlinesTests
{
    public static TheoryData<int, int> Starts => new()
    {
        // ms into the clock when the check starts, its timeout in ms
        { 0, 5000 },
        { 1, 5000 },
        { 49, 5000 },
        { 50, 5000 },
        { 123, 300 },
        { 7, 100 },
        { 999, 60_000 },
    };

    [Theory]
    [MemberData(nameof(Starts))]
    public void A_token_fires_no_earlier_than_its_timeout_and_at_most_a_tick_after(int startMs, int timeoutMs)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
        var deadlines = new CheckDeadlines(clock);
        clock.Advance(TimeSpan.FromMilliseconds(startMs));

        var token = deadlines.After(TimeSpan.FromMilliseconds(timeoutMs));
        clock.Advance(TimeSpan.FromMilliseconds(timeoutMs - 1));
        Assert.False(token.IsCancellationRequested);

        var fired = 0;
        while (!token.IsCancellationRequested)
        {
            clock.Advance(TimeSpan.FromMilliseconds(1));
            fired++;
        }

        // fired ms after timeout - 1: between 1 (the timeout itself) and a tick past it.
        Assert.InRange(fired, 1, 1 + (int)CheckDeadlines.Tick.TotalMilliseconds);
    }

    [Fact]
    public void Checks_whose_timeouts_end_in_the_same_tick_share_one_source()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
        var deadlines = new CheckDeadlines(clock);
        var tokens = new List<CancellationToken>();
        for (var i = 0; i < 50; i++)
        {
            tokens.Add(deadlines.After(TimeSpan.FromSeconds(5)));
            clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        // 50 checks over 50 ms with the same timeout end within one or two ticks.
        Assert.InRange(deadlines.Pending, 1, 2);
        Assert.InRange(tokens.Distinct().Count(), 1, 2);

        deadlines.After(TimeSpan.FromSeconds(10));
        Assert.InRange(deadlines.Pending, 2, 3);
    }

    [Fact]
    public void A_fired_source_is_not_kept_and_the_next_check_gets_a_live_token()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
        var deadlines = new CheckDeadlines(clock);
        var first = deadlines.After(TimeSpan.FromMilliseconds(300));
        clock.Advance(TimeSpan.FromMilliseconds(400));

        Assert.True(first.IsCancellationRequested);
        Assert.Equal(0, deadlines.Pending);

        var next = deadlines.After(TimeSpan.FromMilliseconds(300));
        Assert.False(next.IsCancellationRequested);
        Assert.Equal(1, deadlines.Pending);
    }

    [Fact]
    public async Task Many_checks_at_once_on_the_real_clock_each_fire_in_their_window()
    {
        var deadlines = new CheckDeadlines(TimeProvider.System);
        var timeout = TimeSpan.FromMilliseconds(200);
        var waits = Enumerable.Range(0, 2000).Select(async _ =>
        {
            var started = TimeProvider.System.GetTimestamp();
            var token = deadlines.After(timeout);
            var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var registration = token.Register(() => fired.TrySetResult());
            await fired.Task;
            return TimeProvider.System.GetElapsedTime(started);
        }).ToList();

        var elapsed = await Task.WhenAll(waits);

        // Never early (a timer may fire a hair before the stopwatch says: 2 ms of slack); how late on a busy box is not
        // asserted. Each source leaves in its first-registered callback, which runs last: the newest may still be there.
        Assert.All(elapsed, e => Assert.True(e >= timeout - TimeSpan.FromMilliseconds(2), $"fired after {e.TotalMilliseconds} ms"));
        Assert.InRange(deadlines.Pending, 0, 1);
    }
}
