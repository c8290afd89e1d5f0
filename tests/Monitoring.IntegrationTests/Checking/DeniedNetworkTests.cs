using System.Net;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Checking;

/// <summary>
/// The deny list is checked on the address a check connects to: a name that resolves into a denied network
/// is refused at connect time, not only a literal address at create. Loopback stands in for the metadata
/// network here (the only addresses a test may target).
/// </summary>
public sealed class DeniedNetworkTests
{
    [Fact]
    public async Task A_name_resolving_into_a_denied_network_is_down_with_the_reason_and_the_target_never_sees_it()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var target = await TargetServer.StartAsync();
        await using var fleet = await InProcessFleet.StartAsync(database, settings: new Dictionary<string, string?> { ["CHECK_DENIED_NETWORKS"] = "127.0.0.0/8,::1/128" });
        using var http = fleet.Http();
        var client = await http.CreateClientAsync();
        var byName = target.Url("/hit/denied").Replace("127.0.0.1", "localhost");

        // Act
        var literal = await http.PostJsonAsync("/client-services", new { client_id = client, name = "literal", endpoint_url = target.Url("/hit/denied") });
        var service = (await http.CreateServiceAsync(client, byName)).GetProperty("id").GetInt64();
        var check = await http.PostJsonAsync($"/client-services/{service}/check", null);

        // Assert
        literal.AssertFeathersError(400, "BadRequest");
        Assert.Equal(HttpStatusCode.Created, check.Status);
        Assert.Equal("down", check.Body.GetProperty("status").GetString());
        Assert.StartsWith("address denied: localhost resolves to ", check.Body.GetProperty("error").GetString());
        Assert.Contains("which is in the denied network", check.Body.GetProperty("error").GetString());
        Assert.Equal(0, target.Hits("denied"));
    }

    [Fact]
    public async Task With_the_default_list_loopback_targets_are_checked()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var target = await TargetServer.StartAsync();
        await using var fleet = await InProcessFleet.StartAsync(database);
        using var http = fleet.Http();
        var client = await http.CreateClientAsync();
        var service = (await http.CreateServiceAsync(client, target.Url("/hit/allowed").Replace("127.0.0.1", "localhost"))).GetProperty("id").GetInt64();

        var check = await http.PostJsonAsync($"/client-services/{service}/check", null);

        Assert.Equal("up", check.Body.GetProperty("status").GetString());
        Assert.Equal(1, target.Hits("allowed"));

        // The silo traces its own work, but a monitored endpoint gets no trace headers of ours.
        Assert.DoesNotContain("traceparent", target.HeaderNames("allowed"));
        Assert.DoesNotContain("tracestate", target.HeaderNames("allowed"));
    }
}
