using System.Globalization;
using System.Net;
using Monitoring.IntegrationTests.Infrastructure;
using Monitoring.IntegrationTests.Uptime;

namespace Monitoring.IntegrationTests.Alerting;

/// <summary>uptime-stats leaves maintenance results out of every total and reports them as maintenance_checks, equal to SQL.</summary>
[Collection(AlertingCollection.Name)]
public sealed class MaintenanceUptimeTests(AlertingFixture fixture)
{
    [Fact]
    public async Task Maintenance_results_are_left_out_of_the_figures_and_counted_apart_as_sql_counts_them()
    {
        var client = await fixture.Http.CreateClientAsync();
        var serviceId = await fixture.CreateAlertingServiceAsync(client, []);
        await fixture.SetHealthyAsync(serviceId, true);
        await fixture.CheckAsync(serviceId, 3);

        var (status, window) = await fixture.Http.PostJsonAsync("/maintenance-windows", new
        {
            client_id = client, name = "db upgrade", starts_at = DateTimeOffset.UtcNow.AddSeconds(-1).ToString("O"), ends_at = DateTimeOffset.UtcNow.AddHours(2).ToString("O"),
        });
        Assert.True(status == HttpStatusCode.Created, window.ToString());
        await fixture.SetHealthyAsync(serviceId, false);
        var during = await fixture.CheckAsync(serviceId, 2);
        Assert.All(during, r => Assert.True(r.GetProperty("in_maintenance").GetBoolean()));
        await fixture.Http.DeleteJsonAsync($"/maintenance-windows/{window.GetProperty("id").GetInt64()}");
        await fixture.CheckAsync(serviceId, 1);

        foreach (var query in new[] { "period=24h", "period=24h&bucket=1h", "period=7d&bucket=1d" })
        {
            var (code, stats) = await fixture.Http.GetJsonAsync($"/uptime-stats?service_id={serviceId}&{query}");
            Assert.True(code == HttpStatusCode.OK, stats.ToString());
            var from = DateTimeOffset.Parse(stats.GetProperty("from").GetString()!, CultureInfo.InvariantCulture);
            var to = DateTimeOffset.Parse(stats.GetProperty("to").GetString()!, CultureInfo.InvariantCulture);
            var sql = await UptimeSql.CountsAsync(fixture.Database, serviceId, from, to);
            Assert.Equal(4, sql.Total);
            Assert.Equal(sql.Total, stats.GetProperty("total_checks").GetInt64());
            Assert.Equal(sql.Up, stats.GetProperty("up_checks").GetInt64());
            Assert.Equal(sql.Down, stats.GetProperty("down_checks").GetInt64());
            Assert.Equal(75.0, stats.GetProperty("uptime_percentage").GetDouble(), 6);
            Assert.Equal(2, stats.GetProperty("maintenance_checks").GetInt64());
            Assert.Equal(await UptimeSql.MaintenanceAsync(fixture.Database, serviceId, from, to), stats.GetProperty("maintenance_checks").GetInt64());
            if (stats.TryGetProperty("buckets", out var buckets))
            {
                Assert.Equal(4, buckets.EnumerateArray().Sum(b => b.GetProperty("total_checks").GetInt64()));
                Assert.Equal(2, buckets.EnumerateArray().Sum(b => b.GetProperty("maintenance_checks").GetInt64()));
            }
        }
    }
}
