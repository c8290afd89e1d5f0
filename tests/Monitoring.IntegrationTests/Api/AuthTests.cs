using System.Net;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Api;

/// <summary>API keys on a fleet of its own, so the first two clients have the ids the scoped keys name.</summary>
public sealed class AuthTests : IAsyncLifetime
{
    private TestDatabase database = null!;
    private InProcessFleet fleet = null!;
    private TargetServer target = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync();
        target = await TargetServer.StartAsync();
        fleet = await InProcessFleet.StartAsync(database, settings: new Dictionary<string, string?>
        {
            ["API_KEYS"] = $"{InProcessFleet.AdminKey}, key-of-one:1 ,key-of-two:2",
        });
    }

    public async Task DisposeAsync()
    {
        await fleet.DisposeAsync();
        await target.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task Keys_decide_what_a_caller_sees_and_changes()
    {
        using var admin = fleet.Http();
        Assert.Equal(1, await admin.CreateClientAsync("one"));
        Assert.Equal(2, await admin.CreateClientAsync("two"));
        var serviceOfOne = (await admin.CreateServiceAsync(1, target.Reply(200), new { enabled = false })).GetProperty("id").GetInt64();
        var serviceOfTwo = (await admin.CreateServiceAsync(2, target.Reply(200), new { enabled = false })).GetProperty("id").GetInt64();
        var statusOfTwo = (await admin.PostJsonAsync($"/client-services/{serviceOfTwo}/check", null)).Body.GetProperty("id").GetInt64();
        await admin.PostJsonAsync($"/client-services/{serviceOfOne}/check", null);
        using var one = fleet.Http(key: "key-of-one");
        using var anonymous = fleet.Http(key: null);
        using var wrong = fleet.Http(key: "not-a-key");

        // No key, or a wrong one: 401 everywhere but the health endpoints.
        foreach (var path in new[] { "/clients", "/client-services", "/service-status", "/uptime-stats?service_id=1", "/clients/1" })
        {
            (await anonymous.GetJsonAsync(path)).AssertFeathersError(401, "NotAuthenticated");
            (await wrong.GetJsonAsync(path)).AssertFeathersError(401, "NotAuthenticated");
        }

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health")).StatusCode);

        // X-Api-Key works like Bearer.
        using var header = fleet.Http(key: null);
        header.DefaultRequestHeaders.Add("X-Api-Key", "key-of-one");
        Assert.Equal(1, (await header.GetJsonAsync("/clients")).Body.GetProperty("total").GetInt32());

        // A scoped key sees only its client's data; other ids are 404.
        Assert.Equal([1L], (await one.GetJsonAsync("/clients")).Body.GetProperty("data").EnumerateArray().Select(c => c.GetProperty("id").GetInt64()));
        Assert.Equal([serviceOfOne], (await one.GetJsonAsync("/client-services")).Body.GetProperty("data").EnumerateArray().Select(s => s.GetProperty("id").GetInt64()));
        Assert.Equal(1, (await one.GetJsonAsync("/service-status")).Body.GetProperty("total").GetInt32());
        Assert.Equal(0, (await one.GetJsonAsync("/service-status?client_id=2")).Body.GetProperty("total").GetInt32());
        (await one.GetJsonAsync("/clients/2")).AssertFeathersError(404, "NotFound");
        (await one.GetJsonAsync($"/client-services/{serviceOfTwo}")).AssertFeathersError(404, "NotFound");
        (await one.GetJsonAsync($"/service-status/{statusOfTwo}")).AssertFeathersError(404, "NotFound");
        (await one.PatchJsonAsync("/clients/2", new { name = "mine" })).AssertFeathersError(404, "NotFound");
        (await one.PatchJsonAsync($"/client-services/{serviceOfTwo}", new { name = "mine" })).AssertFeathersError(404, "NotFound");
        (await one.DeleteJsonAsync($"/client-services/{serviceOfTwo}")).AssertFeathersError(404, "NotFound");
        (await one.PostJsonAsync($"/client-services/{serviceOfTwo}/check", null)).AssertFeathersError(404, "NotFound");
        (await one.GetJsonAsync($"/uptime-stats?service_id={serviceOfTwo}")).AssertFeathersError(404, "NotFound");
        (await one.GetJsonAsync("/uptime-stats?client_id=2")).AssertFeathersError(404, "NotFound");

        // A create under another client is the 400 of a client that does not exist: a scoped key cannot probe for clients.
        var underExisting = await one.PostJsonAsync("/client-services", new { client_id = 2, name = "x", endpoint_url = target.Reply(200) });
        var underMissing = await one.PostJsonAsync("/client-services", new { client_id = 999_999, name = "x", endpoint_url = target.Reply(200) });
        underExisting.AssertFeathersError(400, "BadRequest");
        Assert.Equal(underMissing.Body.GetProperty("errors").GetRawText().Replace("999999", "2"), underExisting.Body.GetProperty("errors").GetRawText());
        Assert.Equal("Invalid client_id: client 2 does not exist", underExisting.Body.GetProperty("message").GetString());
        (await one.PostJsonAsync("/clients", new { name = "three" })).AssertFeathersError(403, "Forbidden");
        Assert.Equal(HttpStatusCode.Created, (await one.PostJsonAsync("/client-services", new { client_id = 1, name = "x", endpoint_url = target.Reply(200), enabled = false })).Status);
        Assert.Equal(HttpStatusCode.OK, (await one.PatchJsonAsync("/clients/1", new { description = "ours" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await one.GetJsonAsync($"/uptime-stats?service_id={serviceOfOne}")).Status);

        // Nothing of client two changed.
        Assert.Equal("two", await database.ScalarAsync<string>("SELECT name FROM clients WHERE id = 2"));
        Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM client_services WHERE client_id = 2"));
    }
}
