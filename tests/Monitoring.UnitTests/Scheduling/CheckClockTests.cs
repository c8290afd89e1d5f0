using Microsoft.Extensions.Time.Testing;
using Monitoring.Grains.Scheduling;

namespace Monitoring.UnitTests.Scheduling;

public sealed class CheckClockTests
{
    private sealed class Owner(string name, List<(string Name, long Version, TimeSpan At)> calls, FakeTimeProvider time, DateTimeOffset start) : IClockOwner
    {
        public void OnDue(long version) => calls.Add((name, version, time.GetUtcNow() - start));
    }

    private static long At(FakeTimeProvider time, TimeSpan from) => time.GetTimestamp() + (long)(from.TotalSeconds * time.TimestampFrequency);

    [Fact]
    public void Calls_each_owner_when_its_entry_comes_due_in_due_order_and_not_before()
    {
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();
        var calls = new List<(string Name, long Version, TimeSpan At)>();
        using var clock = new CheckClock(time);
        clock.Schedule(new Owner("c", calls, time, start), 1, At(time, TimeSpan.FromSeconds(3)));
        clock.Schedule(new Owner("a", calls, time, start), 1, At(time, TimeSpan.FromSeconds(1)));
        clock.Schedule(new Owner("b", calls, time, start), 1, At(time, TimeSpan.FromSeconds(2)));

        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Empty(calls);
        time.Advance(TimeSpan.FromMilliseconds(1));
        time.Advance(TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(["a", "b", "c"], calls.Select(c => c.Name));
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3)], calls.Select(c => c.At));
        Assert.Equal(0, clock.Pending);
    }

    [Fact]
    public void An_earlier_entry_scheduled_later_sets_the_timer_sooner()
    {
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();
        var calls = new List<(string Name, long Version, TimeSpan At)>();
        using var clock = new CheckClock(time);
        clock.Schedule(new Owner("late", calls, time, start), 1, At(time, TimeSpan.FromMinutes(5)));
        clock.Schedule(new Owner("soon", calls, time, start), 1, At(time, TimeSpan.FromMilliseconds(10)));

        time.Advance(TimeSpan.FromMilliseconds(10));

        Assert.Equal(("soon", 1L, TimeSpan.FromMilliseconds(10)), Assert.Single(calls));
        Assert.Equal(1, clock.Pending);
    }

    [Fact]
    public void Hands_every_entry_its_own_version_so_the_owner_can_drop_the_ones_it_replaced()
    {
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();
        var calls = new List<(string Name, long Version, TimeSpan At)>();
        var owner = new Owner("s", calls, time, start);
        using var clock = new CheckClock(time);
        clock.Schedule(owner, 1, At(time, TimeSpan.FromSeconds(10)));
        clock.Schedule(owner, 2, At(time, TimeSpan.FromSeconds(4)));

        time.Advance(TimeSpan.FromSeconds(4));
        time.Advance(TimeSpan.FromSeconds(6));

        Assert.Equal([(2L, TimeSpan.FromSeconds(4)), (1L, TimeSpan.FromSeconds(10))], calls.Select(c => (c.Version, c.At)));
    }

    [Fact]
    public void An_entry_already_past_is_called_at_once_and_one_scheduled_from_a_call_is_kept()
    {
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();
        var calls = new List<(string Name, long Version, TimeSpan At)>();
        using var clock = new CheckClock(time);
        var again = new Again(clock, time, calls, start);
        clock.Schedule(again, 1, At(time, TimeSpan.FromSeconds(-1)));

        time.Advance(TimeSpan.Zero);
        Assert.Equal([1L], calls.Select(c => c.Version));
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal([1L, 2L], calls.Select(c => c.Version));
        Assert.Equal(TimeSpan.FromSeconds(1), calls[1].At);
    }

    [Fact]
    public void Calls_nothing_once_disposed()
    {
        var time = new FakeTimeProvider();
        var calls = new List<(string Name, long Version, TimeSpan At)>();
        var clock = new CheckClock(time);
        clock.Schedule(new Owner("x", calls, time, time.GetUtcNow()), 1, At(time, TimeSpan.FromSeconds(1)));

        clock.Dispose();
        clock.Schedule(new Owner("y", calls, time, time.GetUtcNow()), 1, At(time, TimeSpan.FromSeconds(1)));
        time.Advance(TimeSpan.FromSeconds(2));

        Assert.Empty(calls);
    }

    // Schedules itself a second time from its first call, as a service re-arms from its tick.
    private sealed class Again(CheckClock clock, FakeTimeProvider time, List<(string Name, long Version, TimeSpan At)> calls, DateTimeOffset start) : IClockOwner
    {
        public void OnDue(long version)
        {
            calls.Add(("again", version, time.GetUtcNow() - start));
            if (version == 1)
            {
                clock.Schedule(this, 2, time.GetTimestamp() + time.TimestampFrequency);
            }
        }
    }
}
