using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Operations;

/// <summary>
/// The Orleans dashboard under the gateway's /dashboard, for admin keys only; and /metrics open on both hosts when
/// METRICS_KEY is not set.
/// </summary>
[Collection(MetricsCollection.Name)]
public sealed class DashboardTests : IAsyncLifetime
{
    private const string ScopedKey = "key-of-client-one";

    private TestDatabase database = null!;
    private InProcessFleet fleet = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync();
        fleet = await InProcessFleet.StartAsync(database, settings: new Dictionary<string, string?>
        {
            ["API_KEYS"] = $"{InProcessFleet.AdminKey},{ScopedKey}:1",
        });
    }

    public async Task DisposeAsync()
    {
        await fleet.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task The_dashboard_answers_admin_keys_only()
    {
        // No key: 401, with the Basic challenge a browser answers by asking for the key.
        using (var anonymous = fleet.Http(key: null))
        using (var response = await anonymous.GetAsync("/dashboard/"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.StartsWith("Basic", response.Headers.WwwAuthenticate.ToString());
        }

        using (var wrong = fleet.Http(key: "not-a-key"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/dashboard/")).StatusCode);
        }

        // A key scoped to a client: 403, as a Bearer key or as Basic's password.
        using (var scoped = fleet.Http(key: ScopedKey))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await scoped.GetAsync("/dashboard/")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await scoped.GetAsync("/dashboard/DashboardCounters")).StatusCode);
        }

        using (var scopedBasic = Basic(ScopedKey))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await scopedBasic.GetAsync("/dashboard/")).StatusCode);
        }

        // An admin key: the page, and the cluster's counters from the silos' dashboard grains.
        using var admin = fleet.Http();
        using (var page = await admin.GetAsync("/dashboard/"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        }

        await Eventually.IsTrueAsync(async () =>
        {
            using var counters = await admin.GetAsync("/dashboard/DashboardCounters");
            return counters.StatusCode == HttpStatusCode.OK && (await counters.Content.ReadAsStringAsync()).Contains("\"totalActiveHostCount\":1");
        }, TimeSpan.FromSeconds(20), "the dashboard to count the silo");

        using (var browser = Basic(InProcessFleet.AdminKey))
        {
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/dashboard/")).StatusCode);
        }

        // The grain-state page calls grain methods by reflection: not served.
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/dashboard/GrainState?grainId=1&grainType=x")).StatusCode);
    }

    [Fact]
    public async Task Without_METRICS_KEY_both_metrics_endpoints_are_open()
    {
        foreach (var url in new[] { fleet.GatewayUrl(), fleet.SiloMetricsUrl() })
        {
            var scrape = await MetricsTests.ScrapeUntilAsync(url, key: null, s => s.Samples.Count > 0, $"{url}/metrics");
            Assert.Contains(scrape.Samples, s => s.Name.StartsWith("dotnet_", StringComparison.Ordinal));
        }
    }

    private HttpClient Basic(string key)
    {
        var http = fleet.Http(key: null);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"operator:{key}")));
        return http;
    }
}
