using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Services;

namespace Monitoring.UnitTests.Services;

/// <summary>
/// The ends of a service's history kept by its grain must answer what SQL would: the same total, the same rows in
/// (checked_at, id) order, whatever order results are committed in and however many there are.
/// </summary>
public sealed class RecentHistoryTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, int, int[]> Cases => new()
    {
        // name, results already stored when filled, order of the (seconds of the) results committed after
        { "empty, then a few in order", 0, [1, 2, 3] },
        { "a few stored, more out of order", 5, [9, 7, 8, 6] },
        { "more than the ends hold, in order", 150, [151, 152] },
        { "more than the ends hold, one older than the newest kept", 150, [160, 149, 161] },
        { "fewer than the ends hold, becoming more", 98, [99, 100, 101, 102, 103] },
        { "same checked_at as stored ones (ordered by id)", 120, [120, 120, 60] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Answers_as_sql_over_every_result(string name, int stored, int[] committed)
    {
        // Arrange: what SQL held at the fill, then the commits the grain is told of.
        var all = Enumerable.Range(0, stored).Select(i => Result(1000 + i, i)).ToList();
        var history = Fill(all);
        var nextId = 5000;

        // Act
        foreach (var second in committed)
        {
            var record = Result(nextId++, second);
            all.Add(record);
            history.Add(record);
        }

        // Assert: every limit, both orders, against SQL's order over all of them.
        var ascending = all.OrderBy(r => r.CheckedAt).ThenBy(r => r.Id).ToList();
        var descending = all.OrderByDescending(r => r.CheckedAt).ThenByDescending(r => r.Id).ToList();
        foreach (var limit in new[] { 0, 1, 10, 50, 100 })
        {
            var oldest = history.Answer(limit, newestFirst: false);
            var newest = history.Answer(limit, newestFirst: true);
            Assert.True(all.Count == oldest.Total, name);
            Assert.Equal(ascending.Take(limit).Select(r => r.Id), oldest.Data.Select(r => r.Id));
            Assert.Equal(descending.Take(limit).Select(r => r.Id), newest.Data.Select(r => r.Id));
        }
    }

    [Fact]
    public void A_commit_the_fill_already_counted_is_counted_once()
    {
        // Arrange: the fill read a result whose commit the grain is told of afterwards.
        var stored = Enumerable.Range(0, 3).Select(i => Result(10 + i, i)).ToList();
        var history = new RecentHistory(3, stored, [.. stored.AsEnumerable().Reverse()], [12], Start);

        // Act
        history.Add(stored[2]);
        history.Add(Result(99, 5));
        history.Add(Result(99, 5));

        // Assert
        var page = history.Answer(10, newestFirst: true);
        Assert.Equal(4, page.Total);
        Assert.Equal([99L, 12, 11, 10], page.Data.Select(r => r.Id));
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(9.999, true)]
    [InlineData(10, false)]
    [InlineData(60, false)]
    public void A_fill_answers_for_ten_seconds(double secondsLater, bool fresh)
    {
        var history = Fill([]);

        Assert.Equal(fresh, history.IsFresh(Start + TimeSpan.FromSeconds(secondsLater)));
    }

    private static RecentHistory Fill(List<StatusRecord> stored) => new(
        stored.Count,
        stored.OrderBy(r => r.CheckedAt).ThenBy(r => r.Id).Take(RecentHistory.Rows).ToList(),
        stored.OrderByDescending(r => r.CheckedAt).ThenByDescending(r => r.Id).Take(RecentHistory.Rows).ToList(),
        [],
        Start);

    private static StatusRecord Result(long id, int second) =>
        new(id, 7, 1, HealthStatus.Up, 200, 12, null, null, null, "schedule", Start + TimeSpan.FromSeconds(second));
}
