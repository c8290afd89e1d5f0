using System.Net;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Checking;

/// <summary>A silo's check slots (Checks:MaxConcurrentChecks) bound what it asks of targets at once.</summary>
public sealed class CheckSlotTests
{
    [Fact]
    public async Task With_one_check_slot_the_next_request_reaches_a_target_only_after_the_previous_answer()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var target = await TargetServer.StartAsync();
        await using var fleet = await InProcessFleet.StartAsync(database, settings: new Dictionary<string, string?> { ["Checks:MaxConcurrentChecks"] = "1" });
        using var http = fleet.Http();
        var client = await http.CreateClientAsync();
        var services = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            // Each answers 1.5 s after its request arrived; a cron that does not fire during the test.
            services.Add((await http.CreateServiceAsync(client, target.Url($"/hit/slots?delay=1500&n={i}"), new { cron_schedule = "0 0 1 1 *", timeout_ms = 10000 })).GetProperty("id").GetInt64());
        }

        // Act: three manual checks at once.
        var checks = await Task.WhenAll(services.Select(id => http.PostJsonAsync($"/client-services/{id}/check", null)));

        // Assert: all three ran, one after the other: each request arrived no earlier than the previous answer (1.5 s
        // after the previous arrival; a tenth less for timers that fire early). Without the slot they arrive together.
        Assert.All(checks, c => Assert.Equal(HttpStatusCode.Created, c.Status));
        var arrivals = target.HitTimes("slots").Order().ToList();
        Assert.Equal(3, arrivals.Count);
        for (var i = 1; i < arrivals.Count; i++)
        {
            Assert.True(arrivals[i] - arrivals[i - 1] >= TimeSpan.FromMilliseconds(1350), $"request {i} arrived {(arrivals[i] - arrivals[i - 1]).TotalMilliseconds} ms after the one before");
        }
    }
}
