using System.Net;
using System.Text.Json;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Platform;

/// <summary>LOG_FORMAT=json: every line a silo and a gateway write is one JSON object, and events carry their ids as fields.</summary>
public sealed class JsonLogTests
{
    [Fact]
    public async Task With_json_logs_every_line_is_an_object_and_an_incident_names_its_service_and_client()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var target = await TargetServer.StartAsync();
        await using var fleet = new ProcessFleet(database);
        var json = new Dictionary<string, string?> { ["LOG_FORMAT"] = "json", ["Logging__LogLevel__Monitoring"] = "Information" };
        var silo = fleet.StartSilo(json);

        // Everything the gateway says, ASP.NET Core's request-time lines included (they ran in a scope holding the path).
        var (gateway, http) = await fleet.StartGatewayAsync(new Dictionary<string, string?>(json) { ["Logging__LogLevel__Default"] = "Information" });
        using var httpClient = http;
        var client = await http.CreateClientAsync();
        var password = $"pw-{Guid.NewGuid():N}";
        var id = (await http.CreateServiceAsync(client, target.Reply(503), new { cron_schedule = "0 0 1 1 *", failure_threshold = 1, basic_auth_username = "u", basic_auth_password = password }))
            .GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.Created, (await http.PostJsonAsync($"/client-services/{id}/check", null)).Status);

        // A job that sends a stray Authorization header with its report: the authentication handler logs the failure.
        var (_, beat) = await http.PostJsonAsync("/client-services", new { client_id = client, name = "job", type = "heartbeat", cron_schedule = "0 0 1 1 *" });
        var pingUrl = beat.GetProperty("ping_url").GetString()!;
        using (var job = new HttpClient())
        using (var report = new HttpRequestMessage(HttpMethod.Get, pingUrl))
        {
            report.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "not-a-key");
            Assert.Equal(HttpStatusCode.OK, (await job.SendAsync(report)).StatusCode);
        }

        var opened = await Eventually.ReturnsAsync(
            () => Task.FromResult(silo.OutputLines.FirstOrDefault(l => l.Contains("\"Incident ", StringComparison.Ordinal) && l.Contains("opened", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(15), "the incident's log line");
        var state = JsonDocument.Parse(opened!).RootElement.GetProperty("State");
        Assert.Equal(id.ToString(System.Globalization.CultureInfo.InvariantCulture), state.GetProperty("ServiceId").ToString());
        Assert.Equal(client.ToString(System.Globalization.CultureInfo.InvariantCulture), state.GetProperty("ClientId").ToString());

        foreach (var process in new[] { silo, gateway })
        {
            var lines = process.OutputLines.Where(l => l.Length > 0).ToList();
            Assert.NotEmpty(lines);
            Assert.All(lines, line =>
            {
                var entry = JsonDocument.Parse(line).RootElement;
                Assert.Equal(JsonValueKind.Object, entry.ValueKind);
                Assert.True(entry.TryGetProperty("LogLevel", out _) && entry.TryGetProperty("Category", out _) && entry.TryGetProperty("Message", out _), line);
            });
            Assert.DoesNotContain(lines, l => l.Contains(password, StringComparison.Ordinal));
            Assert.DoesNotContain(lines, l => l.Contains(pingUrl.Split('/')[^1], StringComparison.Ordinal));
        }
    }
}
