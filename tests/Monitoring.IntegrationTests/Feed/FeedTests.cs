using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Monitoring.Gateway.Feed;
using Monitoring.Grains.Interfaces;
using Monitoring.IntegrationTests.Infrastructure;
using Orleans.Runtime;

namespace Monitoring.IntegrationTests.Feed;

public sealed class FeedTests(FeedFixture fixture) : IClassFixture<FeedFixture>
{
    [Fact]
    public async Task Events_from_grains_on_both_silos_reach_both_gateways_in_order_once_readable()
    {
        await using var first = await fixture.ListenAsync(0);
        await using var second = await fixture.ListenAsync(1);
        using var http = fixture.Fleet.Http(0);
        using var reader = fixture.Fleet.Http(1);
        var readable = new ConcurrentBag<HttpStatusCode>();
        second.Received = (name, record) =>
        {
            if (name == "service-status created")
            {
                // What a dashboard does: react to the event by reading the record through REST (the other gateway).
                readable.Add(reader.GetAsync($"/service-status/{record.GetProperty("id").GetInt64()}").Result.StatusCode);
            }
        };

        // Services until grains live on both silos.
        var client = await http.CreateClientAsync();
        var services = new List<long>();
        // Placement learns each silo's load from statistics published every second or so; on a busy machine
        // the second silo's may come late, so creates are paced rather than counted.
        var placing = System.Diagnostics.Stopwatch.StartNew();
        while (services.Count < 4 || await SilosHostingServicesAsync() < 2)
        {
            Assert.True(placing.Elapsed < TimeSpan.FromSeconds(60), $"placement never used the second silo ({services.Count} services)");
            services.Add((await http.CreateServiceAsync(client, fixture.Target.Reply(200), new { enabled = false })).GetProperty("id").GetInt64());
            if (services.Count >= 4)
            {
                await Task.Delay(100);
            }
        }

        // Act: three checks per service, through alternating gateways.
        var expected = new Dictionary<long, List<long>>();
        foreach (var service in services)
        {
            expected[service] = [];
            for (var i = 0; i < 3; i++)
            {
                using var via = fixture.Fleet.Http(i % 2);
                var (_, record) = await via.PostJsonAsync($"/client-services/{service}/check", null);
                expected[service].Add(record.GetProperty("id").GetInt64());
            }
        }

        // Assert: both gateways' clients got every result, in order per service, readable when it arrived.
        foreach (var listener in new[] { first, second })
        {
            await listener.WaitForAsync(l => services.All(s => StatusIds(l, s).Count == 3), "every service-status created event");
            foreach (var service in services)
            {
                Assert.Equal(expected[service], StatusIds(listener, service));
            }

            Assert.Equal(services, listener.Named("client-services created").Select(s => s.GetProperty("id").GetInt64()).Where(services.Contains));
        }

        await Eventually.IsTrueAsync(() => Task.FromResult(readable.Count == services.Count * 3), TimeSpan.FromSeconds(10), "every read-back");
        Assert.All(readable, status => Assert.Equal(HttpStatusCode.OK, status));
    }

    [Fact]
    public async Task Events_carry_the_record_rest_returns()
    {
        await using var listener = await fixture.ListenAsync(1);
        using var http = fixture.Fleet.Http(0);

        var client = await http.CreateClientAsync();
        var service = (await http.CreateServiceAsync(client, fixture.Target.Reply(200), new { enabled = false, basic_auth_password = "never-in-events" })).GetProperty("id").GetInt64();
        var (_, status) = await http.PostJsonAsync($"/client-services/{service}/check", null);
        Assert.Equal(HttpStatusCode.OK, (await http.DeleteJsonAsync($"/client-services/{service}")).Status);
        Assert.Equal(HttpStatusCode.OK, (await http.DeleteJsonAsync($"/clients/{client}")).Status);

        await listener.WaitForAsync(l => l.Named("clients removed").Any(c => c.GetProperty("id").GetInt64() == client), "the client's removal");
        var created = listener.Named("service-status created").Single(s => s.GetProperty("id").GetInt64() == status.GetProperty("id").GetInt64());
        Assert.Equal(status.ToString(), created.ToString());
        Assert.Contains(listener.Named("client-services removed"), s => s.GetProperty("id").GetInt64() == service);
        Assert.Contains(listener.Named("client-services patched"), s => s.GetProperty("id").GetInt64() == service && s.GetProperty("last_status").GetString() == "up");
        Assert.DoesNotContain(listener.Events, e => e.Record.ToString().Contains("never-in-events", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Subscribe_narrows_the_feed_and_unsubscribe_widens_it_again()
    {
        await using var listener = await fixture.ListenAsync(0);
        using var http = fixture.Fleet.Http(1);
        var client = await http.CreateClientAsync();
        var watched = (await http.CreateServiceAsync(client, fixture.Target.Reply(200), new { enabled = false })).GetProperty("id").GetInt64();
        var other = (await http.CreateServiceAsync(client, fixture.Target.Reply(200), new { enabled = false })).GetProperty("id").GetInt64();

        await listener.WaitForAsync(
            l => l.Named("client-services created").Count(s => s.GetProperty("id").GetInt64() is var id && (id == watched || id == other)) == 2,
            "both services' created events, before narrowing");
        await listener.Connection.InvokeAsync("Subscribe", new { service_id = watched });
        var narrowedAt = listener.Events.Count;
        await http.PostJsonAsync($"/client-services/{other}/check", null);
        await http.PostJsonAsync($"/client-services/{watched}/check", null);
        await listener.WaitForAsync(l => StatusIds(l, watched).Count == 1, "the watched service's result");
        await listener.Connection.InvokeAsync("Unsubscribe");
        var widenedAt = listener.Events.Count;
        await http.PostJsonAsync($"/client-services/{other}/check", null);
        await listener.WaitForAsync(l => StatusIds(l, other).Count == 1, "the other service's result after Unsubscribe");

        // Subscribe and Unsubscribe answer only once what was queued before them has gone out, so the events
        // between the two answers are exactly the narrowed feed.
        var whileNarrowed = listener.Events.Skip(narrowedAt).Take(widenedAt - narrowedAt).ToList();
        Assert.Contains(whileNarrowed, e => e.Name == "service-status created");
        Assert.All(whileNarrowed, e => Assert.Equal(watched, ServiceOf(e)));
    }

    [Fact]
    public async Task A_scoped_key_gets_only_its_clients_events_and_cannot_subscribe_to_others()
    {
        await using var scoped = await fixture.ListenAsync(1, FeedFixture.ScopedKey);
        using var http = fixture.Fleet.Http(0);
        var foreign = await http.CreateClientAsync();
        var foreignService = (await http.CreateServiceAsync(foreign, fixture.Target.Reply(200), new { enabled = false })).GetProperty("id").GetInt64();
        var ownService = (await http.CreateServiceAsync(fixture.ScopedClient, fixture.Target.Reply(200), new { enabled = false })).GetProperty("id").GetInt64();

        await http.PostJsonAsync($"/client-services/{foreignService}/check", null);
        await http.PostJsonAsync($"/client-services/{ownService}/check", null);
        await scoped.WaitForAsync(l => StatusIds(l, ownService).Count == 1, "the own service's result");

        Assert.All(scoped.Events, e => Assert.Equal(fixture.ScopedClient, e.Name.StartsWith("clients", StringComparison.Ordinal) ? e.Record.GetProperty("id").GetInt64() : e.Record.GetProperty("client_id").GetInt64()));
        await Assert.ThrowsAsync<HubException>(() => scoped.Connection.InvokeAsync("Subscribe", new { client_id = foreign }));
    }

    [Fact]
    public async Task A_stuck_client_is_dropped_and_delays_nobody_else()
    {
        await using var healthy = await fixture.ListenAsync(0);
        await using var stuck = await StuckWebSocket.ConnectAsync(fixture.Fleet.GatewayUrl(0), InProcessFleet.AdminKey);
        var connections = fixture.Fleet.Gateways[0].Services.GetRequiredService<FeedConnections>();
        using var http = fixture.Fleet.Http(1);
        var client = await http.CreateClientAsync();
        var service = (await http.CreateServiceAsync(client, fixture.Target.Url("/big-checks"), new { enabled = false })).GetProperty("id").GetInt64();

        // Act: results with 15 KB of details each, far more than the stuck client's socket and queue can hold.
        var ids = new List<long>();
        for (var i = 0; i < 500 && connections.Dropped == 0; i++)
        {
            ids.Add((await http.PostJsonAsync($"/client-services/{service}/check", null)).Body.GetProperty("id").GetInt64());
        }

        // Assert: the stuck connection was cut off; the healthy one got every event, in order.
        Assert.True(connections.Dropped >= 1, $"the stuck client was not dropped after {ids.Count} events");
        await healthy.WaitForAsync(l => StatusIds(l, service).Count == ids.Count, "every event on the healthy connection");
        Assert.Equal(ids, StatusIds(healthy, service));
    }

    private static List<long> StatusIds(FeedListener listener, long service) =>
        listener.Named("service-status created").Where(s => s.GetProperty("service_id").GetInt64() == service).Select(s => s.GetProperty("id").GetInt64()).ToList();

    private static long? ServiceOf((string Name, JsonElement Record) e) => e.Name switch
    {
        "service-status created" => e.Record.GetProperty("service_id").GetInt64(),
        var n when n.StartsWith("client-services", StringComparison.Ordinal) => e.Record.GetProperty("id").GetInt64(),
        _ => null,
    };

    private async Task<int> SilosHostingServicesAsync()
    {
        var management = fixture.Fleet.SiloService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        var statistics = await management.GetSimpleGrainStatistics();
        return statistics.Where(s => s.GrainType.Contains("ServiceMonitorGrain", StringComparison.Ordinal) && s.ActivationCount > 0)
            .Select(s => s.SiloAddress).Distinct().Count();
    }
}
