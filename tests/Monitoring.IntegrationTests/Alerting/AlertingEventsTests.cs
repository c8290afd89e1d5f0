using Microsoft.AspNetCore.SignalR.Client;
using Monitoring.IntegrationTests.Feed;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Alerting;

/// <summary>The hub's alerting events (Feathers names, the records REST returns, never a secret), and client scoping of them.</summary>
[Collection(AlertingCollection.Name)]
public sealed class AlertingEventsTests(AlertingFixture fixture)
{
    [Fact]
    public async Task Incidents_channels_and_windows_are_published_with_feathers_names_and_without_secrets()
    {
        await using var listener = await FeedListener.ConnectAsync(fixture.Fleet.GatewayUrl(), InProcessFleet.AdminKey);
        await using var scoped = await FeedListener.ConnectAsync(fixture.Fleet.GatewayUrl(), AlertingFixture.ScopedKey);
        var client = await fixture.Http.CreateClientAsync();
        await listener.Connection.InvokeAsync("Subscribe", new { client_id = client });

        var (_, channel) = await fixture.Http.PostJsonAsync("/alert-channels", new { client_id = client, name = "chat", type = "slack", url = fixture.Receiver.Url("ev") + "?token=EV-S3CRET" });
        var channelId = channel.GetProperty("id").GetInt64();
        var serviceId = await fixture.CreateAlertingServiceAsync(client, [channelId]);
        await fixture.CheckAsync(serviceId, 3);
        await fixture.SetHealthyAsync(serviceId, true);
        await fixture.CheckAsync(serviceId, 2);
        var (_, window) = await fixture.Http.PostJsonAsync("/maintenance-windows", new { client_id = client, name = "weekly", cron_schedule = "0 3 * * 0", duration_minutes = 60 });
        await fixture.Http.DeleteJsonAsync($"/maintenance-windows/{window.GetProperty("id").GetInt64()}");
        await fixture.Http.DeleteJsonAsync($"/alert-channels/{channelId}");

        await listener.WaitForAsync(l => l.Named("alert-channels removed").Count == 1 && l.Named("maintenance-windows removed").Count == 1, "the removals");
        var created = Assert.Single(listener.Named("incidents created"));
        Assert.Equal(serviceId, created.GetProperty("service_id").GetInt64());
        Assert.Equal("open", created.GetProperty("status").GetString());
        var patches = listener.Named("incidents patched");
        Assert.Equal(3, patches[0].GetProperty("bad_checks").GetInt32());
        Assert.Equal("resolved", patches[^1].GetProperty("status").GetString());
        Assert.Equal("recovered", patches[^1].GetProperty("resolved_reason").GetString());
        Assert.Single(listener.Named("alert-channels created"));
        Assert.Single(listener.Named("maintenance-windows created"));
        Assert.Equal("weekly", listener.Named("maintenance-windows created")[0].GetProperty("name").GetString());
        Assert.DoesNotContain(listener.Events, e => e.Record.ToString().Contains("EV-S3CRET", StringComparison.Ordinal));

        // A key scoped to another client hears none of it.
        Assert.DoesNotContain(scoped.Events, e => e.Name.StartsWith("incidents", StringComparison.Ordinal) || e.Name.StartsWith("alert-channels", StringComparison.Ordinal)
            || e.Name.StartsWith("maintenance-windows", StringComparison.Ordinal));
    }
}
