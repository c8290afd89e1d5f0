using System.Net;
using System.Text.Json;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Monitors;

/// <summary>
/// A heartbeat's misses and failure reports are results like any other: they open an incident, a channel hears of it
/// once, and a report resolves it; uptime counts them.
/// </summary>
public sealed class HeartbeatAlertingTests
{
    [Fact]
    public async Task A_job_that_stops_reporting_opens_one_incident_that_its_next_report_resolves()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var receiver = await ReceiverServer.StartAsync();
        await using var fleet = await InProcessFleet.StartAsync(database, settings: new Dictionary<string, string?> { ["Alerting:PollInterval"] = "00:00:00.200" });
        using var http = fleet.Http();
        using var job = new HttpClient();
        var client = await http.CreateClientAsync();
        var key = $"beat{Guid.NewGuid():N}";
        var (_, channel) = await http.PostJsonAsync("/alert-channels", new { client_id = client, name = "hook", type = "webhook", url = receiver.Url(key) });
        var (status, service) = await http.PostJsonAsync("/client-services", new
        {
            client_id = client, name = "backup", type = "heartbeat", cron_schedule = "*/2 * * * * *", grace_seconds = 0,
            failure_threshold = 2, success_threshold = 1, alert_channel_ids = new[] { channel.GetProperty("id").GetInt64() },
        });
        Assert.True(status == HttpStatusCode.Created, service.ToString());
        var id = service.GetProperty("id").GetInt64();

        // No report at all: the misses open the incident after two of them, and the channel hears of it once.
        await Eventually.IsTrueAsync(async () => receiver.Accepted(key).Count >= 1, TimeSpan.FromSeconds(20), "the triggered notice");
        var (_, open) = await http.GetJsonAsync($"/incidents?service_id={id}");
        var incident = Assert.Single(open.GetProperty("data").EnumerateArray());
        Assert.Equal("open", incident.GetProperty("status").GetString());
        Assert.StartsWith("no ping received since ", incident.GetProperty("first_error").GetString(), StringComparison.Ordinal);

        // The job reports: the incident resolves on that report.
        Assert.Equal(HttpStatusCode.OK, (await job.GetAsync(service.GetProperty("ping_url").GetString())).StatusCode);
        await Eventually.IsTrueAsync(async () => receiver.Accepted(key).Count >= 2, TimeSpan.FromSeconds(20), "the resolved notice");
        // (The job reported once: misses go on two occurrences later, and may open the next incident meanwhile.)
        var types = receiver.Accepted(key).Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("type").GetString()).Take(2).ToArray();
        Assert.Equal(new string?[] { "incident.triggered", "incident.resolved" }, types);
        var (_, resolved) = await http.GetJsonAsync($"/incidents?service_id={id}&$sort[id]=1");
        var first = resolved.GetProperty("data")[0];
        Assert.Equal(incident.GetProperty("id").GetInt64(), first.GetProperty("id").GetInt64());
        Assert.Equal("resolved", first.GetProperty("status").GetString());

        // Uptime counts reports and misses like checks.
        var (_, uptime) = await http.GetJsonAsync($"/uptime-stats?service_id={id}&period=24h");
        Assert.True(uptime.GetProperty("total_checks").GetInt64() >= 3, uptime.ToString());
        Assert.True(uptime.GetProperty("down_checks").GetInt64() >= 2, uptime.ToString());
    }
}
