using System.Net;
using System.Net.Http.Headers;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Operations;

/// <summary>
/// /metrics of a silo (its METRICS_PORT) and of the gateway (its API port) after known checks, with METRICS_KEY set
/// (operations.md, "Metrics"): the contract's instruments by their exported names, their labels and counts.
/// </summary>
[Collection(MetricsCollection.Name)]
public sealed class MetricsTests : IAsyncLifetime
{
    private const string MetricsKey = "metrics-key-for-tests";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private TestDatabase database = null!;
    private TargetServer target = null!;
    private ReceiverServer receiver = null!;
    private InProcessFleet fleet = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync();
        target = await TargetServer.StartAsync();
        receiver = await ReceiverServer.StartAsync();
        fleet = await InProcessFleet.StartAsync(database, settings: new Dictionary<string, string?>
        {
            ["METRICS_KEY"] = MetricsKey,

            // OTLP export on, to a port nobody listens on: the hosts start and serve /metrics all the same.
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{FreePort.Next()}",
        });
    }

    public async Task DisposeAsync()
    {
        await fleet.DisposeAsync();
        await receiver.DisposeAsync();
        await target.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task A_silo_exports_the_checks_it_ran_and_the_services_it_hosts()
    {
        using var http = fleet.Http();
        var client = await http.CreateClientAsync("metrics");
        var yearly = new { cron_schedule = "0 0 1 1 *" };
        var up = (await http.CreateServiceAsync(client, target.Reply(200), new { name = "shop \"eu\"", cron_schedule = "0 0 1 1 *" })).GetProperty("id").GetInt64();
        var down = (await http.CreateServiceAsync(client, target.Reply(503), yearly)).GetProperty("id").GetInt64();
        var (_, beat) = await http.PostJsonAsync("/client-services", new { client_id = client, name = "backup", type = "heartbeat", cron_schedule = "0 0 1 1 *" });
        var never = (await http.CreateServiceAsync(client, target.Reply(200), yearly)).GetProperty("id").GetInt64();

        Assert.Equal(HttpStatusCode.Created, (await http.PostJsonAsync($"/client-services/{up}/check", null)).Status);
        Assert.Equal(HttpStatusCode.Created, (await http.PostJsonAsync($"/client-services/{up}/check", null)).Status);
        Assert.Equal(HttpStatusCode.Created, (await http.PostJsonAsync($"/client-services/{down}/check", null)).Status);
        using (var job = new HttpClient())
        {
            Assert.Equal(HttpStatusCode.OK, (await job.GetAsync(beat.GetProperty("ping_url").GetString())).StatusCode);
        }

        var scrape = await ScrapeUntilAsync(fleet.SiloMetricsUrl(), MetricsKey,
            s => s.Find("monitoring_checks_total", "trigger", "ping").Count == 1, "the ping to be counted");

        // Every result counted once, by status, trigger and type; the checks this silo made are timed (in seconds).
        Assert.Equal(2, scrape.Value("monitoring_checks_total", "status", "up", "trigger", "manual", "type", "http"));
        Assert.Equal(1, scrape.Value("monitoring_checks_total", "status", "down", "trigger", "manual", "type", "http"));
        Assert.Equal(1, scrape.Value("monitoring_checks_total", "status", "up", "trigger", "ping", "type", "heartbeat"));
        Assert.Equal(3, scrape.Value("monitoring_check_duration_seconds_count", "type", "http"));
        Assert.Equal(3, scrape.Value("monitoring_check_duration_seconds_bucket", "type", "http", "le", "+Inf"));
        Assert.InRange(scrape.Value("monitoring_check_duration_seconds_sum", "type", "http"), 0, 30);
        Assert.Empty(scrape.Find("monitoring_check_duration_seconds_count", "type", "heartbeat"));

        // The four enabled services are hosted (and scheduled) here.
        Assert.Equal(4, scrape.Value("monitoring_services_active"));

        // Each grain came to life once, for its create, and read its own row (no sweep read ahead for it); each of the
        // three that counted a result rebuilt its incident tracker from the history it already held (a new service's)
        // instead of reading it again.
        Assert.Equal(4, scrape.Value("monitoring_activations_total", "rows", "read"));
        Assert.Empty(scrape.Find("monitoring_activations_total", "rows", "prefetched"));
        Assert.Equal(3, scrape.Value("monitoring_incident_rebuilds_total", "history", "preloaded"));
        Assert.Empty(scrape.Find("monitoring_incident_rebuilds_total", "history", "read"));

        // The writer: four results written, none waiting.
        Assert.Equal(4, scrape.Value("monitoring_results_written_total"));
        Assert.Equal(0, scrape.Value("monitoring_results_pending"));

        // Per-service gauges with their labels: 1 up, 0 down; the status as a label; the response time in seconds.
        var upLabels = new[] { "service_id", $"{up}", "client_id", $"{client}", "service_name", "shop \"eu\"", "type", "http" };
        Assert.Equal(1, scrape.Value("monitoring_service_up", upLabels));
        Assert.Equal(0, scrape.Value("monitoring_service_up", "service_id", $"{down}", "type", "http"));
        Assert.Equal(1, scrape.Value("monitoring_service_up", "service_id", beat.GetProperty("id").ToString(), "type", "heartbeat", "service_name", "backup"));
        Assert.Equal(1, scrape.Value("monitoring_service_status", [.. upLabels, "status", "up"]));
        Assert.Equal(1, scrape.Value("monitoring_service_status", "service_id", $"{down}", "status", "down"));
        Assert.Single(scrape.Find("monitoring_service_status", "service_id", $"{down}"));
        Assert.InRange(scrape.Value("monitoring_service_response_time_seconds", upLabels), 0, 5);
        Assert.Empty(scrape.Find("monitoring_service_tls_expiry_timestamp_seconds", "service_id", $"{up}"));

        // A service without a result has no status yet; the runtime and Orleans meters are there too.
        Assert.Empty(scrape.Find("monitoring_service_up", "service_id", $"{never}"));
        Assert.Contains(scrape.Samples, s => s.Name.StartsWith("dotnet_", StringComparison.Ordinal));
        Assert.Contains(scrape.Samples, s => s.Name.StartsWith("orleans_", StringComparison.Ordinal));

        // A removed service leaves the gauges; so does a disabled one.
        Assert.Equal(HttpStatusCode.OK, (await http.DeleteJsonAsync($"/client-services/{down}")).Status);
        Assert.Equal(HttpStatusCode.OK, (await http.PatchJsonAsync($"/client-services/{up}", new { enabled = false })).Status);
        scrape = await ScrapeUntilAsync(fleet.SiloMetricsUrl(), MetricsKey,
            s => s.Find("monitoring_service_up", "service_id", $"{down}").Count == 0 && s.Find("monitoring_service_up", "service_id", $"{up}").Count == 0,
            "the removed and the disabled service to leave the gauges");
        Assert.Equal(2, scrape.Value("monitoring_checks_total", "status", "up", "trigger", "manual", "type", "http"));
        Assert.Equal(2, scrape.Value("monitoring_services_active"));
    }

    [Fact]
    public async Task Delivery_attempts_are_counted_by_channel_type_and_state()
    {
        using var http = fleet.Http();
        var client = await http.CreateClientAsync("deliveries");
        receiver.Answer("gone", 404);
        foreach (var key in new[] { "fine", "gone" })
        {
            var (status, channel) = await http.PostJsonAsync("/alert-channels", new { client_id = client, name = key, type = "webhook", url = receiver.Url(key) });
            Assert.Equal(HttpStatusCode.Created, status);
            Assert.True((await http.PostJsonAsync($"/alert-channels/{channel.GetProperty("id").GetInt64()}/test", null)).Status is HttpStatusCode.OK or HttpStatusCode.Created);
        }

        var scrape = await ScrapeUntilAsync(fleet.SiloMetricsUrl(), MetricsKey,
            s => s.Find("monitoring_alert_deliveries_total").Count == 2, "both attempts to be counted");
        Assert.Equal(1, scrape.Value("monitoring_alert_deliveries_total", "channel_type", "webhook", "state", "sent"));
        Assert.Equal(1, scrape.Value("monitoring_alert_deliveries_total", "channel_type", "webhook", "state", "failed"));
    }

    [Fact]
    public async Task The_gateway_exports_its_requests_and_both_endpoints_need_the_key()
    {
        using var http = fleet.Http();
        var client = await http.CreateClientAsync("gateway");
        var service = (await http.CreateServiceAsync(client, target.Reply(200), new { cron_schedule = "0 0 1 1 *" })).GetProperty("id").GetInt64();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await http.PostJsonAsync($"/client-services/{service}/check", null)).Status);
        }

        var scrape = await ScrapeUntilAsync(fleet.GatewayUrl(), MetricsKey,
            s => s.Find("http_server_request_duration_seconds_count", "http_route", "/client-services/{id}/check").Count > 0, "the checks' requests");
        Assert.Equal(3, scrape.Value("http_server_request_duration_seconds_count",
            "http_route", "/client-services/{id}/check", "http_request_method", "POST", "http_response_status_code", "201"));
        Assert.Contains(scrape.Samples, s => s.Name.StartsWith("dotnet_", StringComparison.Ordinal));

        // Without METRICS_KEY, with an API key instead, or with a wrong one: 401 on both.
        foreach (var (url, key) in new[] { (fleet.GatewayUrl(), (string?)null), (fleet.GatewayUrl(), InProcessFleet.AdminKey), (fleet.SiloMetricsUrl(), null), (fleet.SiloMetricsUrl(), "wrong") })
        {
            using var response = await GetMetricsAsync(url, key);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
        }

        using var refused = await GetMetricsAsync(fleet.GatewayUrl(), null);
        Assert.Contains("\"NotAuthenticated\"", await refused.Content.ReadAsStringAsync());
    }

    /// <summary>Scrapes <paramref name="baseUrl"/>/metrics until <paramref name="ready"/> holds (a scrape may be up to 300 ms old).</summary>
    internal static async Task<PrometheusText> ScrapeUntilAsync(string baseUrl, string? key, Func<PrometheusText, bool> ready, string awaited)
    {
        PrometheusText? last = null;
        try
        {
            return await Eventually.ReturnsAsync(async () =>
            {
                using var response = await GetMetricsAsync(baseUrl, key);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
                last = PrometheusText.Parse(await response.Content.ReadAsStringAsync());
                return ready(last) ? last : null;
            }, Patience, awaited, TimeSpan.FromMilliseconds(350));
        }
        catch (TimeoutException ex) when (last is not null)
        {
            throw new TimeoutException($"{ex.Message}\nLast scrape:\n{string.Join("\n", last.Text.Split('\n').Where(l => l.StartsWith("monitoring_", StringComparison.Ordinal)))}");
        }
    }

    internal static async Task<HttpResponseMessage> GetMetricsAsync(string baseUrl, string? key)
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return await http.SendAsync(request);
    }
}
