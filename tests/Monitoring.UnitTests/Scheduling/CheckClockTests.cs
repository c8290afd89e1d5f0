using Microsoft.Extensions.Time.Testing;
using Monitoring.Grains.Scheduling;

namespace Monitoring.UnitTests.Scheduling;

public sealed class CheckClockTests
{
    private sealed class Owner(string name, List<(string Name, long Version, TimeSpan At)> calls, FakeTimeProvider time, DateTimeOffset start) : IClockOwner
    {
        public void OnDue(ClockTicket ticket, int arming) => calls.Add((name, arming, time.GetUtcNow() - start));
    }

    private static long At(FakeTimeProvider time, TimeSpan from) => time.GetTimestamp() + (long)(from.TotalSeconds * time.TimestampFrequency);

    [Fact]
    public void Calls_each_owner_when_its_entry_comes_due_in_due_order_and_not_before()
    {
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();
        var calls = new List<(string Name, long Version, TimeSpan At)>();
        using var clock = new CheckClock(time);
        clock.Schedule(new ClockTicket(new Owner("c", calls, time, start)), At(time, TimeSpan.FromSeconds(3)));
        clock.Schedule(new ClockTicket(new Owner("a", calls, time, start)), At(time, TimeSpan.FromSeconds(1)));
        clock.Schedule(new ClockTicket(new Owner("b", calls, time, start)), At(time, TimeSpan.FromSeconds(2)));

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
        clock.Schedule(new ClockTicket(new Owner("late", calls, time, start)), At(time, TimeSpan.FromMinutes(5)));
        clock.Schedule(new ClockTicket(new Owner("soon", calls, time, start)), At(time, TimeSpan.FromMilliseconds(10)));

        time.Advance(TimeSpan.FromMilliseconds(10));

        Assert.Equal(("soon", 0L, TimeSpan.FromMilliseconds(10)), Assert.Single(calls));
        Assert.Equal(1, clock.Pending);
    }

    [Fact]
    public void A_cancelled_ticket_calls_nobody_and_lets_go_of_its_owner()
    {
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();
        var calls = new List<(string Name, long Version, TimeSpan At)>();
        using var clock = new CheckClock(time);
        var first = new ClockTicket(new Owner("first arming", calls, time, start));
        clock.Schedule(first, At(time, TimeSpan.FromSeconds(10)));
        clock.Schedule(new ClockTicket(new Owner("second arming", calls, time, start)), At(time, TimeSpan.FromSeconds(4)));

        first.Cancel();
        time.Advance(TimeSpan.FromSeconds(4));
        time.Advance(TimeSpan.FromSeconds(6));

        Assert.Null(first.Owner);
        Assert.Equal([("second arming", TimeSpan.FromSeconds(4))], calls.Select(c => (c.Name, c.At)));
        Assert.Equal(0, clock.Pending);
    }

    [Fact]
    public void A_re_armed_ticket_calls_its_owner_once_for_its_latest_arming_only()
    {
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();
        var calls = new List<(string Name, long Version, TimeSpan At)>();
        using var clock = new CheckClock(time);
        var ticket = new ClockTicket(new Owner("service", calls, time, start));
        ticket.Rearm();
        clock.Schedule(ticket, At(time, TimeSpan.FromSeconds(2)));
        ticket.Rearm();
        clock.Schedule(ticket, At(time, TimeSpan.FromSeconds(5)));
        ticket.Rearm();
        clock.Schedule(ticket, At(time, TimeSpan.FromSeconds(3)));

        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Empty(calls);
        time.Advance(TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal([("service", 3L, TimeSpan.FromSeconds(3))], calls);
        Assert.Equal(0, clock.Pending);
    }

    [Fact]
    public void An_owner_that_throws_does_not_keep_the_others_from_their_call()
    {
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();
        var calls = new List<(string Name, long Version, TimeSpan At)>();
        using var clock = new CheckClock(time);
        clock.Schedule(new ClockTicket(new Throwing()), At(time, TimeSpan.FromSeconds(1)));
        clock.Schedule(new ClockTicket(new Owner("after", calls, time, start)), At(time, TimeSpan.FromSeconds(1)));

        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(["after"], calls.Select(c => c.Name));
    }

    [Theory]
    [InlineData(1, 2)] // at least a minute of margin, plus a minute
    [InlineData(15, 16)]
    [InlineData(120, 121)]
    public void Keeps_an_armed_grain_past_its_due_time_for_the_collection_age_and_a_minute(int collectionAgeMinutes, int marginMinutes)
    {
        using var clock = new CheckClock(new FakeTimeProvider(), Microsoft.Extensions.Options.Options.Create(new Orleans.Configuration.GrainCollectionOptions { CollectionAge = TimeSpan.FromMinutes(collectionAgeMinutes) }));

        Assert.Equal(TimeSpan.FromMinutes(marginMinutes), clock.KeepAliveMargin);
    }

    [Fact]
    public void An_entry_already_past_is_called_at_once_and_one_scheduled_from_a_call_is_kept()
    {
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();
        var calls = new List<(string Name, long Version, TimeSpan At)>();
        using var clock = new CheckClock(time);
        var again = new Again(clock, time, calls, start);
        clock.Schedule(new ClockTicket(again), At(time, TimeSpan.FromSeconds(-1)));

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
        clock.Schedule(new ClockTicket(new Owner("x", calls, time, time.GetUtcNow())), At(time, TimeSpan.FromSeconds(1)));

        clock.Dispose();
        clock.Schedule(new ClockTicket(new Owner("y", calls, time, time.GetUtcNow())), At(time, TimeSpan.FromSeconds(1)));
        time.Advance(TimeSpan.FromSeconds(2));

        Assert.Empty(calls);
    }

    private sealed class Throwing : IClockOwner
    {
        public void OnDue(ClockTicket ticket, int arming) => throw new InvalidOperationException("an owner's failure");
    }

    // Schedules itself a second time from its first call, as a service re-arms from its tick.
    private sealed class Again(CheckClock clock, FakeTimeProvider time, List<(string Name, long Version, TimeSpan At)> calls, DateTimeOffset start) : IClockOwner
    {
        private long version;

        public void OnDue(ClockTicket ticket, int arming)
        {
            calls.Add(("again", ++version, time.GetUtcNow() - start));
            if (version == 1)
            {
                ticket.Rearm();
                clock.Schedule(ticket, time.GetTimestamp() + time.TimestampFrequency);
            }
        }
    }
}
