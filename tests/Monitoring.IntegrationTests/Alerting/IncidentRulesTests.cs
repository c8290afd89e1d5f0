using System.Net;
using System.Text.Json;
using Monitoring.IntegrationTests.Infrastructure;
using Npgsql;

namespace Monitoring.IntegrationTests.Alerting;

/// <summary>alerting.md's incident rules on the real pipeline: alert_on, dependencies, maintenance, acknowledgement, disabling, reminders.</summary>
[Collection(AlertingCollection.Name)]
public sealed class IncidentRulesTests(AlertingFixture fixture)
{
    [Fact]
    public async Task With_alert_on_down_a_degraded_service_opens_nothing_and_with_degraded_it_opens_a_degraded_incident()
    {
        var client = await fixture.Http.CreateClientAsync();
        var slow = fixture.Target.Reply(200, "{\"status\":\"degraded\"}");
        var downOnly = (await fixture.Http.CreateServiceAsync(client, slow, new { cron_schedule = AlertingFixture.Yearly, failure_threshold = 1 })).GetProperty("id").GetInt64();
        var touchy = (await fixture.Http.CreateServiceAsync(client, slow, new { cron_schedule = AlertingFixture.Yearly, failure_threshold = 1, alert_on = "degraded" })).GetProperty("id").GetInt64();

        Assert.Equal("degraded", (await fixture.CheckAsync(downOnly))[0].GetProperty("status").GetString());
        await fixture.CheckAsync(touchy);
        Assert.Empty(await fixture.IncidentsAsync(downOnly));
        var incident = Assert.Single(await fixture.IncidentsAsync(touchy));
        Assert.Equal("degraded", incident.GetProperty("severity").GetString());

        // Going down during the incident raises its severity to the worst seen.
        var (status, _) = await fixture.Http.PatchJsonAsync($"/client-services/{touchy}", new { endpoint_url = fixture.Target.Reply(503) });
        Assert.Equal(HttpStatusCode.OK, status);
        await fixture.CheckAsync(touchy);
        Assert.Equal("down", Assert.Single(await fixture.IncidentsAsync(touchy)).GetProperty("severity").GetString());
    }

    [Fact]
    public async Task An_incident_opened_while_the_service_it_depends_on_is_down_is_suppressed_and_notifies_nobody()
    {
        var client = await fixture.Http.CreateClientAsync();
        var key = $"dep{Guid.NewGuid():N}";
        var channelId = (await fixture.CreateWebhookAsync(client, key)).GetProperty("id").GetInt64();
        var parent = await fixture.CreateAlertingServiceAsync(client, [channelId]);
        var child = await fixture.CreateAlertingServiceAsync(client, [channelId], new { depends_on_service_id = parent });

        await fixture.CheckAsync(parent, 2);
        await fixture.CheckAsync(child, 2);
        var suppressed = Assert.Single(await fixture.IncidentsAsync(child));
        Assert.True(suppressed.GetProperty("suppressed").GetBoolean());
        await Eventually.IsTrueAsync(async () => fixture.Receiver.Accepted(key).Count == 1, TimeSpan.FromSeconds(10), "the parent's notice");

        var (_, page) = await fixture.Http.GetJsonAsync($"/incidents?client_id={client}&suppressed=true");
        Assert.Equal(1, page.GetProperty("total").GetInt32());

        await fixture.SetHealthyAsync(child, true);
        await fixture.CheckAsync(child, 2);
        Assert.Equal("resolved", Assert.Single(await fixture.IncidentsAsync(child)).GetProperty("status").GetString());
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Single(fixture.Receiver.Received(key));
        Assert.All(await fixture.DeliveriesAsync(channelId), d => Assert.Equal(parent, d.GetProperty("service_id").GetInt64()));
    }

    [Fact]
    public async Task Dependencies_must_be_services_of_the_same_client_without_a_cycle()
    {
        var client = await fixture.Http.CreateClientAsync();
        var other = await fixture.Http.CreateClientAsync();
        var a = await fixture.CreateAlertingServiceAsync(client, []);
        var b = await fixture.CreateAlertingServiceAsync(client, [], new { depends_on_service_id = a });
        var foreign = await fixture.CreateAlertingServiceAsync(other, []);

        (await fixture.Http.PatchJsonAsync($"/client-services/{a}", new { depends_on_service_id = b })).AssertFeathersError(400, "BadRequest");
        (await fixture.Http.PatchJsonAsync($"/client-services/{a}", new { depends_on_service_id = a })).AssertFeathersError(400, "BadRequest");
        (await fixture.Http.PatchJsonAsync($"/client-services/{a}", new { depends_on_service_id = foreign })).AssertFeathersError(400, "BadRequest");
        var (status, cleared) = await fixture.Http.PatchJsonAsync($"/client-services/{b}", new { depends_on_service_id = (long?)null });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("depends_on_service_id").ValueKind);
    }

    [Theory]
    [InlineData("failure_threshold", 0)]
    [InlineData("failure_threshold", 101)]
    [InlineData("success_threshold", 0)]
    [InlineData("renotify_minutes", 4)]
    [InlineData("renotify_minutes", 10081)]
    public async Task Alerting_fields_out_of_range_are_400s(string field, int value)
    {
        var client = await fixture.Http.CreateClientAsync();
        var id = await fixture.CreateAlertingServiceAsync(client, []);
        var response = await fixture.Http.PatchJsonAsync($"/client-services/{id}", new Dictionary<string, object> { [field] = value });
        response.AssertFeathersError(400, "BadRequest");
        Assert.True(response.Body.GetProperty("errors").TryGetProperty(field, out _));
        (await fixture.Http.PatchJsonAsync($"/client-services/{id}", new { alert_on = "up" })).AssertFeathersError(400, "BadRequest");
    }

    [Fact]
    public async Task A_new_service_has_the_contracts_defaults()
    {
        var client = await fixture.Http.CreateClientAsync();
        var service = await fixture.Http.CreateServiceAsync(client, fixture.Target.Reply(200));
        Assert.Empty(service.GetProperty("alert_channel_ids").EnumerateArray());
        Assert.Equal(3, service.GetProperty("failure_threshold").GetInt32());
        Assert.Equal(2, service.GetProperty("success_threshold").GetInt32());
        Assert.Equal("down", service.GetProperty("alert_on").GetString());
        Assert.Equal(JsonValueKind.Null, service.GetProperty("renotify_minutes").ValueKind);
        Assert.Equal(JsonValueKind.Null, service.GetProperty("depends_on_service_id").ValueKind);
    }

    [Fact]
    public async Task Results_in_a_maintenance_window_are_marked_and_count_toward_nothing()
    {
        var client = await fixture.Http.CreateClientAsync();
        var serviceId = await fixture.CreateAlertingServiceAsync(client, []);
        var bystander = await fixture.CreateAlertingServiceAsync(client, []);
        var (status, window) = await fixture.Http.PostJsonAsync("/maintenance-windows", new
        {
            client_id = client,
            name = "upgrade",
            service_ids = new[] { serviceId },
            starts_at = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O"),
            ends_at = DateTimeOffset.UtcNow.AddHours(1).ToString("O"),
        });
        Assert.True(status == HttpStatusCode.Created, window.ToString());
        Assert.True(window.GetProperty("active").GetBoolean());

        var results = await fixture.CheckAsync(serviceId, 3);
        Assert.All(results, r => Assert.True(r.GetProperty("in_maintenance").GetBoolean()));
        Assert.Empty(await fixture.IncidentsAsync(serviceId));
        Assert.False((await fixture.CheckAsync(bystander))[0].GetProperty("in_maintenance").GetBoolean());
        var (_, stored) = await fixture.Http.GetJsonAsync($"/service-status?service_id={serviceId}&in_maintenance=true");
        Assert.Equal(3, stored.GetProperty("total").GetInt32());

        // Ending the window: the next bad checks count from zero (maintenance results did not count).
        (await fixture.Http.PatchJsonAsync($"/maintenance-windows/{window.GetProperty("id").GetInt64()}",
            new { ends_at = DateTimeOffset.UtcNow.AddSeconds(-1).ToString("O") })).Status.Equals(HttpStatusCode.OK);
        Assert.False((await fixture.CheckAsync(serviceId))[0].GetProperty("in_maintenance").GetBoolean());
        Assert.Empty(await fixture.IncidentsAsync(serviceId));
        await fixture.CheckAsync(serviceId);
        Assert.Single(await fixture.IncidentsAsync(serviceId));
    }

    [Fact]
    public async Task A_maintenance_window_starting_does_not_resolve_an_open_incident()
    {
        var client = await fixture.Http.CreateClientAsync();
        var serviceId = await fixture.CreateAlertingServiceAsync(client, []);
        await fixture.CheckAsync(serviceId, 2);
        Assert.Single(await fixture.IncidentsAsync(serviceId));
        await fixture.Http.PostJsonAsync("/maintenance-windows", new { client_id = client, name = "all", cron_schedule = "* * * * *", duration_minutes = 5 });
        await fixture.SetHealthyAsync(serviceId, true);
        await fixture.CheckAsync(serviceId, 3);
        Assert.Equal("open", Assert.Single(await fixture.IncidentsAsync(serviceId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Acknowledging_sets_and_clears_acknowledged_at_and_only_that_field_is_writable()
    {
        var client = await fixture.Http.CreateClientAsync();
        var serviceId = await fixture.CreateAlertingServiceAsync(client, []);
        await fixture.CheckAsync(serviceId, 2);
        var incidentId = Assert.Single(await fixture.IncidentsAsync(serviceId)).GetProperty("id").GetInt64();

        var (status, acknowledged) = await fixture.Http.PatchJsonAsync($"/incidents/{incidentId}", new { acknowledged = true });
        Assert.True(status == HttpStatusCode.OK, acknowledged.ToString());
        Assert.NotEqual(JsonValueKind.Null, acknowledged.GetProperty("acknowledged_at").ValueKind);
        var (_, cleared) = await fixture.Http.PatchJsonAsync($"/incidents/{incidentId}", new { acknowledged = false });
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("acknowledged_at").ValueKind);

        (await fixture.Http.PatchJsonAsync($"/incidents/{incidentId}", new { status = "resolved" })).AssertFeathersError(400, "BadRequest");
        (await fixture.Http.PatchJsonAsync($"/incidents/{incidentId}", new { acknowledged = "maybe" })).AssertFeathersError(400, "BadRequest");
        (await fixture.Http.DeleteJsonAsync($"/incidents/{incidentId}")).AssertFeathersError(405, "MethodNotAllowed");
        (await fixture.Http.PostJsonAsync("/incidents", new { service_id = serviceId })).AssertFeathersError(405, "MethodNotAllowed");
        (await fixture.Http.PatchJsonAsync("/incidents/999999999", new { acknowledged = true })).AssertFeathersError(404, "NotFound");
        using var scoped = fixture.Fleet.Http(key: AlertingFixture.ScopedKey);
        (await scoped.PatchJsonAsync($"/incidents/{incidentId}", new { acknowledged = true })).AssertFeathersError(404, "NotFound");
        (await scoped.GetJsonAsync($"/incidents/{incidentId}")).AssertFeathersError(404, "NotFound");
    }

    [Fact]
    public async Task Disabling_a_service_resolves_its_incident_as_disabled_and_tells_the_channels()
    {
        var client = await fixture.Http.CreateClientAsync();
        var key = $"dis{Guid.NewGuid():N}";
        var channelId = (await fixture.CreateWebhookAsync(client, key)).GetProperty("id").GetInt64();
        var serviceId = await fixture.CreateAlertingServiceAsync(client, [channelId]);
        await fixture.CheckAsync(serviceId, 2);

        await fixture.Http.PatchJsonAsync($"/client-services/{serviceId}", new { enabled = false });
        var incident = await Eventually.ReturnsAsync(async () =>
            (await fixture.IncidentsAsync(serviceId)).Where(i => i.GetProperty("status").GetString() == "resolved").Select(i => i.ToString()).FirstOrDefault(),
            TimeSpan.FromSeconds(10), "the resolve on disabling");
        Assert.Contains("\"resolved_reason\":\"disabled\"", incident.Replace(" ", string.Empty, StringComparison.Ordinal));
        await Eventually.IsTrueAsync(async () => fixture.Receiver.Accepted(key).Count == 2, TimeSpan.FromSeconds(10), "the resolved notice");
        Assert.Contains("incident.resolved", fixture.Receiver.Accepted(key)[1].Body);
    }

    [Fact]
    public async Task A_reminder_goes_out_when_renotify_minutes_have_passed_unless_acknowledged()
    {
        var client = await fixture.Http.CreateClientAsync();
        var key = $"rem{Guid.NewGuid():N}";
        var channelId = (await fixture.CreateWebhookAsync(client, key)).GetProperty("id").GetInt64();
        var serviceId = await fixture.CreateAlertingServiceAsync(client, [channelId], new { renotify_minutes = 5 });
        await fixture.CheckAsync(serviceId, 2);
        var incidentId = Assert.Single(await fixture.IncidentsAsync(serviceId)).GetProperty("id").GetInt64();
        await Eventually.IsTrueAsync(async () => fixture.Receiver.Accepted(key).Count == 1, TimeSpan.FromSeconds(10), "the triggered notice");

        // Not yet: the triggered notice was just queued.
        await fixture.CheckAsync(serviceId);
        Assert.Single(await fixture.DeliveriesAsync(channelId));

        // Six minutes later (the clock of the last notice moved back), the next check queues a reminder.
        await BackdateNoticeAsync(incidentId, TimeSpan.FromMinutes(6));
        await fixture.CheckAsync(serviceId);
        await Eventually.IsTrueAsync(async () => fixture.Receiver.Accepted(key).Count == 2, TimeSpan.FromSeconds(10), "the reminder");
        Assert.Contains("incident.reminder", fixture.Receiver.Accepted(key)[1].Body);

        await fixture.Http.PatchJsonAsync($"/incidents/{incidentId}", new { acknowledged = true });
        await BackdateNoticeAsync(incidentId, TimeSpan.FromMinutes(6));
        await fixture.CheckAsync(serviceId);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(["triggered", "reminder"], (await fixture.DeliveriesAsync(channelId)).Select(d => d.GetProperty("event").GetString()));
    }

    [Fact]
    public async Task Removing_a_service_removes_its_incidents()
    {
        var client = await fixture.Http.CreateClientAsync();
        var serviceId = await fixture.CreateAlertingServiceAsync(client, []);
        await fixture.CheckAsync(serviceId, 2);
        var incidentId = Assert.Single(await fixture.IncidentsAsync(serviceId)).GetProperty("id").GetInt64();
        await fixture.Http.DeleteJsonAsync($"/client-services/{serviceId}");
        (await fixture.Http.GetJsonAsync($"/incidents/{incidentId}")).AssertFeathersError(404, "NotFound");
    }

    private async Task BackdateNoticeAsync(long incidentId, TimeSpan by)
    {
        await using var connection = new NpgsqlConnection(fixture.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"UPDATE incidents SET last_notified_at = last_notified_at - interval '{(int)by.TotalSeconds} seconds' WHERE id = {incidentId}", connection);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
