using Cronos;
using Monitoring.IntegrationTests.Api;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Scheduling;

/// <summary>Real time, real PostgreSQL, a real target: a service checked every two seconds.</summary>
[Collection(ApiCollection.Name)]
public sealed class RealTimeScheduleTests(ApiFixture fixture)
{
    [Fact]
    public async Task Every_occurrence_in_a_window_is_checked_and_stored_exactly_once()
    {
        var client = await fixture.Http.CreateClientAsync();
        var service = await fixture.Http.CreateServiceAsync(client, fixture.Target.Reply(200, "{\"status\":\"ok\"}"), new { cron_schedule = "*/2 * * * * *" });
        var id = service.GetProperty("id").GetInt64();
        var created = service.GetProperty("created_at").GetDateTimeOffset();
        Assert.InRange(created, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(5));

        await Task.Delay(TimeSpan.FromSeconds(11));
        await fixture.Http.PatchJsonAsync($"/client-services/{id}", new { enabled = false });

        // Every occurrence after the creation and before the window's end, allowing for the spread offset
        // (at most a tenth of the two-second gap) and the commit.
        var end = DateTimeOffset.UtcNow.AddSeconds(-1);
        var occurrences = CronExpression.Parse("*/2 * * * * *", CronFormat.IncludeSeconds)
            .GetOccurrences(created.UtcDateTime, end.UtcDateTime, fromInclusive: false, toInclusive: true)
            .Select(o => new DateTimeOffset(o, TimeSpan.Zero))
            .ToList();
        var rows = (await fixture.Database.ScalarAsync<DateTime[]>(
                "SELECT coalesce(array_agg(checked_at ORDER BY checked_at), '{}') FROM service_status WHERE service_id = $1 AND trigger = 'schedule'", id))
            .Select(t => new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)))
            .ToList();

        Assert.InRange(occurrences.Count, 4, 6);
        foreach (var occurrence in occurrences)
        {
            var matching = rows.Count(r => r >= occurrence && r < occurrence.AddSeconds(2));
            Assert.True(matching == 1, $"occurrence {occurrence:O} has {matching} rows; rows: {string.Join(", ", rows.Select(r => r.ToString("O")))}");
        }

        Assert.All(rows, r => Assert.True(r > created && r < end.AddSeconds(3)));
    }
}
