using System.Net;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Operations;

/// <summary>
/// Dashboard__Enabled=false (README: fleets over about 100,000 services per silo): the gateway serves no /dashboard,
/// the silo runs without the dashboard's grains, and the rest works as before.
/// </summary>
[Collection(MetricsCollection.Name)]
public sealed class DashboardSwitchTests : IAsyncLifetime
{
    private TestDatabase database = null!;
    private InProcessFleet fleet = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync();
        fleet = await InProcessFleet.StartAsync(database, settings: new Dictionary<string, string?> { ["Dashboard:Enabled"] = "false" });
    }

    public async Task DisposeAsync()
    {
        await fleet.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task Switched_off_the_dashboard_is_not_served_and_the_services_are_checked_as_before()
    {
        using var admin = fleet.Http();

        using (var page = await admin.GetAsync("/dashboard/"))
        {
            Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/dashboard/DashboardCounters")).StatusCode);

        // The silo, without the dashboard's grain services, runs the API and the checks: a service on the gateway's own
        // /livez is scheduled and checked.
        var clientId = await admin.CreateClientAsync();
        var service = await admin.CreateServiceAsync(clientId, $"{fleet.GatewayUrl()}/livez", new { cron_schedule = "* * * * * *" });
        var serviceId = service.GetProperty("id").GetInt64();
        await Eventually.IsTrueAsync(async () =>
        {
            var (status, body) = await admin.GetJsonAsync($"/service-status?service_id={serviceId}");
            return status == HttpStatusCode.OK && body.GetProperty("total").GetInt64() >= 2;
        }, TimeSpan.FromSeconds(20), "two scheduled checks of the service");
        var silo = await MetricsTests.ScrapeUntilAsync(fleet.SiloMetricsUrl(), key: null,
            s => s.Samples.Any(sample => sample.Name == "monitoring_services_active"), "the silo's monitoring_services_active");
        Assert.Equal(1, silo.Samples.Single(sample => sample.Name == "monitoring_services_active").Value);
    }
}
