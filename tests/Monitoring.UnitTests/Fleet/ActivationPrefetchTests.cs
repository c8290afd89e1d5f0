using Microsoft.Extensions.Time.Testing;
using Monitoring.Grains.Alerting;
using Monitoring.Grains.Data;
using Monitoring.Grains.Fleet;
using Monitoring.Grains.History;
using Monitoring.Grains.Services;

namespace Monitoring.UnitTests.Fleet;

/// <summary>What a sweep read stands in for an activation's own read once, and only while it is young.</summary>
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
        var time = new FakeTimeProvider(ReadAt);
        var prefetch = new ActivationPrefetch(time);
        prefetch.Offer(new Dictionary<long, StoredService> { [7] = Stored(7) }, new ReplayMark(3), ReadAt);
        time.Advance(TimeSpan.FromMilliseconds(msAfterRead));

        // Act
        var found = prefetch.TryTake(7, out var service, out var replays, out var readAt);

        // Assert: taken or not, the entry is gone.
        Assert.Equal(taken, found);
        Assert.Equal(0, prefetch.Count);
        if (taken)
        {
            Assert.Equal((7L, new ReplayMark(3), ReadAt), (service.Config.Id, replays, readAt));
        }
    }

    [Fact]
    public void An_entry_is_taken_once_and_a_withdrawn_one_not_at_all()
    {
        // Arrange
        var time = new FakeTimeProvider(ReadAt);
        var prefetch = new ActivationPrefetch(time);
        prefetch.Offer(new Dictionary<long, StoredService> { [1] = Stored(1), [2] = Stored(2), [3] = Stored(3) }, default, ReadAt);

        // Act
        prefetch.Withdraw(2);
        var first = prefetch.TryTake(1, out _, out _, out _);
        var again = prefetch.TryTake(1, out _, out _, out _);
        var withdrawn = prefetch.TryTake(2, out _, out _, out _);
        var never = prefetch.TryTake(4, out _, out _, out _);

        // Assert
        Assert.Equal((true, false, false, false), (first, again, withdrawn, never));
        Assert.Equal(1, prefetch.Count);
    }

    private static StoredService Stored(long id) =>
        new(new ServiceConfig { Id = id, ClientId = 1, Name = $"s{id}", EndpointUrl = "http://127.0.0.1:9/" }, ServiceRuntime.Empty, null, IncidentHistory.None);
}
