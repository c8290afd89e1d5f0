using Microsoft.Extensions.Time.Testing;
using Monitoring.Grains.Alerting;
using Monitoring.Grains.Data;
using Monitoring.Grains.Fleet;
using Monitoring.Grains.History;
using Monitoring.Grains.Services;

namespace Monitoring.UnitTests.Fleet;

/// <summary>What a sweep read stands in for an activation's own read once, and only while nothing could have changed it.</summary>
public sealed class ActivationPrefetchTests
{
    private static readonly DateTimeOffset ReadAt = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0, true)]
    [InlineData(9_999, true)]
    [InlineData(10_000, true)]
    [InlineData(10_001, false)]
    [InlineData(60_000, false)]
    public void An_entry_is_taken_only_within_its_age(int msAfterRead, bool taken)
    {
        // Arrange
        var (prefetch, time, _) = Prefetch();
        Offer(prefetch, 7);
        time.Advance(TimeSpan.FromMilliseconds(msAfterRead));

        // Act
        var found = prefetch.TryTake(7, out var service, out var replays, out var readAt, out var version);

        // Assert: taken or not, the entry is gone.
        Assert.Equal(taken, found);
        Assert.Equal(0, prefetch.Count);
        Assert.Equal(taken ? 1 : 0, prefetch.Taken);
        if (taken)
        {
            Assert.Equal((7L, new ReplayMark(3), ReadAt, 1L), (service.Config.Id, replays, readAt, version.Version));
        }
    }

    [Fact]
    public void A_taken_entry_tells_whether_the_fleet_is_still_as_it_was_read()
    {
        // Arrange
        var (prefetch, _, version) = Prefetch();
        Offer(prefetch, 7);
        Assert.True(prefetch.TryTake(7, out _, out _, out _, out var readUnder));

        // Act + Assert: unchanged, then a silo joined.
        Assert.True(prefetch.AloneSince(readUnder));
        version[0]++;
        Assert.False(prefetch.AloneSince(readUnder));
    }

    [Fact]
    public void A_deactivation_that_abandoned_work_after_the_reservation_makes_the_fleet_no_longer_as_read()
    {
        // Arrange: one deactivation ran out of time before the read, one after.
        var (prefetch, _, _) = Prefetch();
        prefetch.Abandoned();
        Offer(prefetch, 7, 8);
        Assert.True(prefetch.TryTake(7, out _, out _, out _, out var first));
        Assert.True(prefetch.AloneSince(first));

        // Act
        prefetch.Abandoned();

        // Assert
        Assert.False(prefetch.AloneSince(first));
        Assert.True(prefetch.TryTake(8, out _, out _, out _, out var second));
        Assert.False(prefetch.AloneSince(second));
    }

    [Fact]
    public void An_entry_read_under_another_membership_version_is_not_taken()
    {
        // Arrange: a silo joined (or left) after the read.
        var (prefetch, _, version) = Prefetch();
        Offer(prefetch, 7);
        version[0]++;

        // Act + Assert
        Assert.False(prefetch.TryTake(7, out _, out _, out _, out _));
        Assert.Equal(0, prefetch.Count);
    }

    [Fact]
    public void An_entry_is_taken_once_and_a_withdrawn_one_not_at_all()
    {
        // Arrange
        var (prefetch, _, _) = Prefetch();
        Offer(prefetch, 1, 2, 3);

        // Act
        prefetch.Withdraw(2);
        var first = prefetch.TryTake(1, out _, out _, out _, out _);
        var again = prefetch.TryTake(1, out _, out _, out _, out _);
        var withdrawn = prefetch.TryTake(2, out _, out _, out _, out _);
        var never = prefetch.TryTake(4, out _, out _, out _, out _);

        // Assert
        Assert.Equal((true, false, false, false), (first, again, withdrawn, never));
        Assert.Equal(1, prefetch.Count);
    }

    [Fact]
    public void Only_a_reservation_still_standing_when_the_read_returns_is_filled()
    {
        // Arrange: four ids reserved before the read; meanwhile 2 activated (and found only the reservation) and 3's
        // grain deactivated; 4 has no row.
        var (prefetch, _, _) = Prefetch();
        prefetch.Reserve([1, 2, 3, 4]);
        var reservationTaken = prefetch.TryTake(2, out _, out _, out _, out _);
        prefetch.Withdraw(3);

        // Act
        prefetch.Offer([1, 2, 3, 4], new Dictionary<long, StoredService> { [1] = Stored(1), [2] = Stored(2), [3] = Stored(3) }, new ReplayMark(3), ReadAt, 1);

        // Assert
        Assert.False(reservationTaken);
        Assert.Equal(1, prefetch.Count);
        Assert.True(prefetch.TryTake(1, out _, out _, out _, out _));
        Assert.False(prefetch.TryTake(2, out _, out _, out _, out _));
        Assert.False(prefetch.TryTake(3, out _, out _, out _, out _));
        Assert.False(prefetch.TryTake(4, out _, out _, out _, out _));
    }

    [Theory]
    [InlineData("fresh", true)]
    [InlineData("older than its age", false)]
    [InlineData("read under another membership version", false)]
    [InlineData("withdrawn", false)]
    [InlineData("no state read", false)]
    public void A_state_read_ahead_is_served_once_and_only_while_its_entry_could_be_taken(string situation, bool served)
    {
        // Arrange
        var (prefetch, time, version) = Prefetch();
        prefetch.Reserve([7]);
        prefetch.Offer([7], new Dictionary<long, StoredService> { [7] = Stored(7) }, new ReplayMark(3), ReadAt, 1,
            situation == "no state read" ? null : new Dictionary<long, PrefetchedState> { [7] = State() });
        switch (situation)
        {
            case "older than its age": time.Advance(ActivationPrefetch.MaxAge + TimeSpan.FromMilliseconds(1)); break;
            case "read under another membership version": version[0]++; break;
            case "withdrawn": prefetch.Withdraw(7); break;
        }

        // Act
        var first = prefetch.TryServeState(7, out var state);
        var again = prefetch.TryServeState(7, out _);

        // Assert: served once; the entry stays for the activation that follows.
        Assert.Equal((served, false), (first, again));
        Assert.Equal(served ? "1" : null, state?.ETag);
        Assert.Equal(situation == "withdrawn" ? 0 : 1, prefetch.Count);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_window_part_is_handed_to_the_activation_only_with_the_state_it_was_read_for(bool stateServed)
    {
        // Arrange: Orleans' read of the state was served from the entry, or went to the table.
        var (prefetch, _, _) = Prefetch();
        prefetch.Reserve([7]);
        prefetch.Offer([7], new Dictionary<long, StoredService> { [7] = Stored(7) }, new ReplayMark(3), ReadAt, 1, new Dictionary<long, PrefetchedState> { [7] = State() });
        if (stateServed)
        {
            Assert.True(prefetch.TryServeState(7, out _));
        }

        // Act
        var taken = prefetch.TryTake(7, out _, out _, out _, out _, out var uptime);

        // Assert
        Assert.True(taken);
        Assert.Equal(stateServed, uptime is not null);
        Assert.Equal(0, prefetch.Count);
    }

    private static PrefetchedState State() =>
        new(new ServiceMonitorState { UptimeWindow = [1], CoveredUntil = ReadAt }, "1", true, PrefetchedUptime.Since(ReadAt, []));

    private static (ActivationPrefetch Prefetch, FakeTimeProvider Time, long[] Version) Prefetch()
    {
        var time = new FakeTimeProvider(ReadAt);
        var version = new long[] { 1 };
        return (new ActivationPrefetch(time, () => version[0]), time, version);
    }

    private static void Offer(ActivationPrefetch prefetch, params long[] ids)
    {
        prefetch.Reserve(ids);
        prefetch.Offer(ids, ids.ToDictionary(id => id, Stored), new ReplayMark(3), ReadAt, 1);
    }

    private static StoredService Stored(long id) =>
        new(new ServiceConfig { Id = id, ClientId = 1, Name = $"s{id}", EndpointUrl = "http://127.0.0.1:9/" }, ServiceRuntime.Empty, null, IncidentHistory.None);
}
