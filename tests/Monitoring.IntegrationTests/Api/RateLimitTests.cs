using System.Net;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Api;

/// <summary>Manual checks are limited per API key (operations.md, "Limits"): a Feathers 429 with Retry-After, other keys unaffected.</summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task Manual_checks_past_the_limit_of_a_key_are_a_429_with_retry_after_and_other_keys_go_on()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var target = await TargetServer.StartAsync();
        await using var fleet = await InProcessFleet.StartAsync(database, settings: new Dictionary<string, string?>
        {
            ["API_KEYS"] = $"{InProcessFleet.AdminKey},second-admin-key",
            ["RateLimit:ManualChecksPerMinute"] = "3",
        });
        using var http = fleet.Http();
        using var other = fleet.Http(key: "second-admin-key");
        var id = (await http.CreateServiceAsync(await http.CreateClientAsync(), target.Reply(200), new { cron_schedule = "0 0 1 1 *" })).GetProperty("id").GetInt64();

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await http.PostJsonAsync($"/client-services/{id}/check", null)).Status);
        }

        using var refused = await http.PostAsync($"/client-services/{id}/check", null);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var wait = int.Parse(Assert.Single(refused.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(wait, 1, 60);
        var body = System.Text.Json.JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("TooManyRequests", body.GetProperty("name").GetString());
        Assert.Equal("too-many-requests", body.GetProperty("className").GetString());
        Assert.Equal(429, body.GetProperty("code").GetInt32());

        // Only the manual check is limited, and only for that key.
        Assert.Equal(HttpStatusCode.Created, (await other.PostJsonAsync($"/client-services/{id}/check", null)).Status);
        Assert.Equal(HttpStatusCode.OK, (await http.GetJsonAsync($"/client-services/{id}")).Status);
        Assert.Equal(4L, await database.ScalarAsync<long>("SELECT count(*) FROM service_status WHERE service_id = $1", id));
    }
}
