using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Platform;

/// <summary>A gateway started before any silo: alive, not ready, and a key is still checked before anything else.</summary>
public sealed class ReadinessTests
{
    [Fact]
    public async Task A_gateway_without_a_silo_is_live_not_ready_and_answers_401_before_503()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var fleet = new ProcessFleet(database);
        var port = FreePort.Next();
        await using var gateway = MonitoringProcess.Start(RepositoryPaths.GatewayDll, fleet.Environment(new Dictionary<string, string?> { ["HOST"] = "127.0.0.1", ["PORT"] = port.ToString() }));
        using var anonymous = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        using var wrong = Client(port, "not-a-key");
        using var admin = Client(port, ProcessFleet.AdminKey);
        await Eventually.IsTrueAsync(async () => !gateway.HasExited && (await TryGetAsync(anonymous, "/livez")) == HttpStatusCode.OK,
            TimeSpan.FromSeconds(60), "the gateway process to answer /livez");

        // Act + Assert: no silo yet.
        foreach (var path in new[] { "/readyz", "/healthz" })
        {
            using var response = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("unavailable", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        }

        (await anonymous.GetJsonAsync("/clients")).AssertFeathersError(401, "NotAuthenticated");
        (await wrong.GetJsonAsync("/clients")).AssertFeathersError(401, "NotAuthenticated");
        (await admin.GetJsonAsync("/clients")).AssertFeathersError(503, "Unavailable");

        // A silo joins: ready, and calls are served.
        fleet.StartSilo();
        await Eventually.IsTrueAsync(async () => await TryGetAsync(anonymous, "/readyz") == HttpStatusCode.OK, TimeSpan.FromSeconds(90), "/readyz once a silo runs");
        Assert.Equal(HttpStatusCode.OK, (await admin.GetJsonAsync("/clients")).Status);
        Assert.Equal(HttpStatusCode.OK, await TryGetAsync(anonymous, "/healthz"));
        Assert.Equal(HttpStatusCode.OK, await TryGetAsync(anonymous, "/livez"));
    }

    private static HttpClient Client(int port, string key)
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    private static async Task<HttpStatusCode?> TryGetAsync(HttpClient http, string path)
    {
        try
        {
            using var response = await http.GetAsync(path);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
