using System.Net;
using System.Text.Json;
using Monitoring.IntegrationTests.Api;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Uptime;

/// <summary>
/// A year of stored checks (denser in the last days), read by a service grain that activates without any
/// stored window and rebuilds it from service_status; every period and bucket must equal SQL.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class UptimeAccuracyTests(ApiFixture fixture)
{
    [Fact]
    public async Task Every_period_and_bucket_equals_sql_over_a_year_of_checks()
    {
        var client = await fixture.Http.CreateClientAsync();
        var serviceId = await fixture.Database.ScalarAsync<long>("""
            INSERT INTO client_services (client_id, name, endpoint_url, enabled) VALUES ($1, 'history', 'http://127.0.0.1:9/', false) RETURNING id
            """, client);
        await fixture.Database.ExecuteAsync($"""
            SELECT setseed(0.42);
            INSERT INTO service_status (service_id, client_id, status, status_code, response_time_ms, trigger, checked_at)
            SELECT {serviceId}, {client}, s.status, 200, (random() * 3000)::int, 'schedule', s.at
            FROM (
                SELECT date_trunc('milliseconds', now() - make_interval(mins => i * 37) - make_interval(secs => random() * 30)) AS at,
                       (ARRAY['up','up','up','up','degraded','down'])[1 + floor(random() * 6)::int] AS status
                FROM generate_series(1, 14200) i
                UNION ALL
                SELECT date_trunc('milliseconds', now() - make_interval(secs => i * 61 + 1)), (ARRAY['up','up','degraded','down'])[1 + floor(random() * 4)::int]
                FROM generate_series(1, 4000) i) s;
            """);

        foreach (var period in new[] { "1h", "5h", "24h", "7d", "13d", "30d", "90d", "2160h" })
        {
            foreach (var bucket in new[] { string.Empty, "1h", "1d" })
            {
                // Act
                var (status, report) = await fixture.Http.GetJsonAsync($"/uptime-stats?service_id={serviceId}&period={period}" + (bucket.Length > 0 ? $"&bucket={bucket}" : string.Empty));

                // Assert
                Assert.Equal(HttpStatusCode.OK, status);
                var from = report.GetProperty("from").GetDateTimeOffset();
                var to = report.GetProperty("to").GetDateTimeOffset();
                Assert.Equal(Length(period), to - from);
                var expected = await UptimeSql.CountsAsync(fixture.Database, serviceId, from, to);
                AssertCounts(expected, report, $"{period} totals");
                if (bucket.Length == 0)
                {
                    Assert.False(report.TryGetProperty("buckets", out _));
                    continue;
                }

                // As many whole buckets as the period holds, the last one the current hour or day.
                var size = bucket == "1h" ? TimeSpan.FromHours(1) : TimeSpan.FromDays(1);
                var buckets = report.GetProperty("buckets").EnumerateArray().ToList();
                var count = (int)Math.Ceiling((to - from) / size);
                Assert.Equal(count, buckets.Count);
                for (var i = 0; i < buckets.Count; i++)
                {
                    var start = Floor(to, size) - ((count - 1 - i) * size);
                    Assert.Equal(start, buckets[i].GetProperty("start").GetDateTimeOffset());
                    var sql = await UptimeSql.CountsAsync(fixture.Database, serviceId, start, Min(start + size - TimeSpan.FromMilliseconds(1), to));
                    AssertCounts(sql, buckets[i], $"{period} bucket {start:O}");
                }
            }
        }
    }

    private static void AssertCounts((long Total, long Up, long Degraded, long Down, long ResponseTimeSum) expected, JsonElement actual, string what)
    {
        Assert.True(expected.Total == actual.GetProperty("total_checks").GetInt64(), $"{what}: total {expected.Total} vs {actual}");
        Assert.Equal(expected.Up, actual.GetProperty("up_checks").GetInt64());
        Assert.Equal(expected.Degraded, actual.GetProperty("degraded_checks").GetInt64());
        Assert.Equal(expected.Down, actual.GetProperty("down_checks").GetInt64());
        if (expected.Total == 0)
        {
            Assert.Equal(JsonValueKind.Null, actual.GetProperty("uptime_percentage").ValueKind);
            Assert.Equal(JsonValueKind.Null, actual.GetProperty("avg_response_time_ms").ValueKind);
            return;
        }

        Assert.Equal((double)(expected.Up + expected.Degraded) / expected.Total * 100, actual.GetProperty("uptime_percentage").GetDouble());
        Assert.Equal((double)expected.ResponseTimeSum / expected.Total, actual.GetProperty("avg_response_time_ms").GetDouble());
        if (actual.TryGetProperty("healthy_percentage", out var healthy))
        {
            Assert.Equal((double)expected.Up / expected.Total * 100, healthy.GetDouble());
        }
    }

    private static TimeSpan Length(string period) =>
        period[^1] == 'h' ? TimeSpan.FromHours(int.Parse(period[..^1])) : TimeSpan.FromDays(int.Parse(period[..^1]));

    private static DateTimeOffset Floor(DateTimeOffset time, TimeSpan size) => new(time.UtcTicks - (time.UtcTicks % size.Ticks), TimeSpan.Zero);

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
