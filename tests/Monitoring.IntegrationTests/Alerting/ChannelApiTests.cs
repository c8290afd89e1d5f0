using System.Net;
using System.Text.Json;
using Monitoring.IntegrationTests.Infrastructure;
using Npgsql;

namespace Monitoring.IntegrationTests.Alerting;

/// <summary>alert-channels through the API: secrets in, never out; each type's test notice reaches a real receiver.</summary>
[Collection(AlertingCollection.Name)]
public sealed class ChannelApiTests(AlertingFixture fixture)
{
    [Fact]
    public async Task A_webhook_secret_is_made_when_omitted_shown_once_and_stored_encrypted()
    {
        var client = await fixture.Http.CreateClientAsync();
        var created = await fixture.CreateWebhookAsync(client, $"k{Guid.NewGuid():N}");
        var id = created.GetProperty("id").GetInt64();
        var secret = created.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret);
        Assert.Equal(32, Convert.FromBase64String(secret["whsec_".Length..]).Length);
        Assert.True(created.GetProperty("has_secret").GetBoolean());

        var (_, read) = await fixture.Http.GetJsonAsync($"/alert-channels/{id}");
        Assert.False(read.TryGetProperty("secret", out _));
        Assert.True(read.GetProperty("has_secret").GetBoolean());
        var (_, page) = await fixture.Http.GetJsonAsync($"/alert-channels?client_id={client}");
        Assert.DoesNotContain(secret["whsec_".Length..], page.ToString());

        var stored = await ScalarAsync($"SELECT secret_ciphertext FROM alert_channels WHERE id = {id}");
        Assert.StartsWith("v1:", stored);
        Assert.DoesNotContain(secret["whsec_".Length..], stored);
        Assert.DoesNotContain(fixture.Fleet.Logs.Lines, line => line.Contains(secret["whsec_".Length..], StringComparison.Ordinal));

        // A given secret replaces it; a malformed one is a 400 that names the field.
        var patched = await fixture.Http.PatchJsonAsync($"/alert-channels/{id}", new { secret = "whsec_" + Convert.ToBase64String(new byte[24]) });
        Assert.Equal(HttpStatusCode.OK, patched.Status);
        Assert.False(patched.Body.TryGetProperty("secret", out _));
        var bad = await fixture.Http.PatchJsonAsync($"/alert-channels/{id}", new { secret = "not-a-secret" });
        bad.AssertFeathersError(400, "BadRequest");
        Assert.True(bad.Body.GetProperty("errors").TryGetProperty("secret", out _));
    }

    [Theory]
    [InlineData("slack", "text")]
    [InlineData("discord", "embeds")]
    [InlineData("teams", "attachments")]
    public async Task A_chat_url_is_a_secret_shown_as_scheme_and_host_and_used_whole(string type, string property)
    {
        var client = await fixture.Http.CreateClientAsync();
        var key = $"{type}{Guid.NewGuid():N}";
        var url = fixture.Receiver.Url(key) + "?token=T0K3N-SECRET";
        var (status, created) = await fixture.Http.PostJsonAsync("/alert-channels", new { client_id = client, name = type, type, url });
        Assert.True(status == HttpStatusCode.Created, created.ToString());
        var id = created.GetProperty("id").GetInt64();
        Assert.Equal(new Uri(fixture.Receiver.BaseUrl).GetLeftPart(UriPartial.Authority) + "/…", created.GetProperty("url").GetString());
        Assert.False(created.GetProperty("has_secret").GetBoolean());
        Assert.DoesNotContain("T0K3N", created.ToString());
        Assert.DoesNotContain("T0K3N", (await fixture.Http.GetJsonAsync($"/alert-channels/{id}")).Body.ToString());
        Assert.DoesNotContain("T0K3N", await ScalarAsync($"SELECT url_ciphertext || url FROM alert_channels WHERE id = {id}"));

        var (testStatus, delivery) = await fixture.Http.PostJsonAsync($"/alert-channels/{id}/test", null);
        Assert.Equal(HttpStatusCode.Created, testStatus);
        Assert.Equal("test", delivery.GetProperty("event").GetString());
        Assert.Equal("sent", delivery.GetProperty("state").GetString());
        var received = Assert.Single(fixture.Receiver.Accepted(key));
        using var body = JsonDocument.Parse(received.Body);
        Assert.True(body.RootElement.TryGetProperty(property, out _), received.Body);
        Assert.DoesNotContain(fixture.Fleet.Logs.Lines, line => line.Contains("T0K3N", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_pagerduty_test_carries_the_routing_key_and_a_dedup_key_and_the_key_never_comes_back()
    {
        var client = await fixture.Http.CreateClientAsync();
        var key = $"pd{Guid.NewGuid():N}";
        var (status, created) = await fixture.Http.PostJsonAsync("/alert-channels", new
        {
            client_id = client, name = "pager", type = "pagerduty", url = fixture.Receiver.Url(key), secret = "R0UTING-KEY-0123456789",
        });
        Assert.True(status == HttpStatusCode.Created, created.ToString());
        Assert.True(created.GetProperty("has_secret").GetBoolean());
        Assert.DoesNotContain("R0UTING", created.ToString());

        var (_, delivery) = await fixture.Http.PostJsonAsync($"/alert-channels/{created.GetProperty("id").GetInt64()}/test", null);
        Assert.Equal("sent", delivery.GetProperty("state").GetString());
        using var body = JsonDocument.Parse(Assert.Single(fixture.Receiver.Accepted(key)).Body);
        Assert.Equal("R0UTING-KEY-0123456789", body.RootElement.GetProperty("routing_key").GetString());
        Assert.Equal("trigger", body.RootElement.GetProperty("event_action").GetString());
        Assert.Equal($"monitoring-test-{delivery.GetProperty("id").GetInt64()}", body.RootElement.GetProperty("dedup_key").GetString());
        Assert.DoesNotContain(fixture.Fleet.Logs.Lines, line => line.Contains("R0UTING", StringComparison.Ordinal));

        var (_, defaulted) = await fixture.Http.PostJsonAsync("/alert-channels", new { client_id = client, name = "pd default", type = "pagerduty", secret = "k" });
        Assert.Equal("https://events.pagerduty.com/v2/enqueue", defaulted.GetProperty("url").GetString());
        (await fixture.Http.PostJsonAsync("/alert-channels", new { client_id = client, name = "pd", type = "pagerduty" })).AssertFeathersError(400, "BadRequest");
    }

    [Fact]
    public async Task An_email_test_reaches_the_smtp_server_with_subject_and_a_message_id_of_the_delivery()
    {
        var client = await fixture.Http.CreateClientAsync("Mail Client");
        var address = $"ops-{Guid.NewGuid():N}@example.test";
        var (status, created) = await fixture.Http.PostJsonAsync("/alert-channels", new { client_id = client, name = "ops mail", type = "email", email_to = new[] { address } });
        Assert.True(status == HttpStatusCode.Created, created.ToString());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("url").ValueKind);

        var (_, delivery) = await fixture.Http.PostJsonAsync($"/alert-channels/{created.GetProperty("id").GetInt64()}/test", null);
        Assert.Equal("sent", delivery.GetProperty("state").GetString());
        Assert.Equal(250, delivery.GetProperty("last_status_code").GetInt32());
        var mail = Assert.Single(fixture.Smtp.Messages, m => m.To.Contains(address));
        Assert.Equal("alerts@monitoring.test", mail.From);
        Assert.Equal("[TEST] ops mail — Mail Client", mail.Parse().Subject);
        Assert.Equal($"<dlv_{delivery.GetProperty("id").GetInt64()}@monitoring.test>", mail.Header("Message-ID"));

        (await fixture.Http.PostJsonAsync("/alert-channels", new { client_id = client, name = "m", type = "email", email_to = Array.Empty<string>() }))
            .AssertFeathersError(400, "BadRequest");
        (await fixture.Http.PostJsonAsync("/alert-channels", new { client_id = client, name = "m", type = "email", email_to = new[] { "x@y.z" }, url = "http://a.b/" }))
            .AssertFeathersError(400, "BadRequest");
    }

    [Theory]
    [InlineData("{\"name\":\"n\",\"type\":\"sms\",\"url\":\"http://127.0.0.1/\"}", "type")]
    [InlineData("{\"name\":\"n\",\"type\":\"webhook\"}", "url")]
    [InlineData("{\"name\":\"n\",\"type\":\"webhook\",\"url\":\"ftp://127.0.0.1/\"}", "url")]
    [InlineData("{\"name\":\"\",\"type\":\"webhook\",\"url\":\"http://127.0.0.1/\"}", "name")]
    [InlineData("{\"name\":\"n\",\"type\":\"slack\",\"url\":\"http://127.0.0.1/\",\"secret\":\"x\"}", "secret")]
    [InlineData("{\"name\":\"n\",\"type\":\"webhook\",\"url\":\"http://127.0.0.1/\",\"email_to\":[\"a@b.c\"]}", "email_to")]
    [InlineData("{\"name\":\"n\",\"type\":\"webhook\",\"url\":\"http://127.0.0.1/\",\"color\":\"red\"}", "color")]
    public async Task Bad_channels_are_400s_naming_the_field(string body, string field)
    {
        var response = await fixture.Http.SendRawAsync(HttpMethod.Post, "/alert-channels", body);
        response.AssertFeathersError(400, "BadRequest");
        Assert.True(response.Body.GetProperty("errors").TryGetProperty(field, out _), response.Body.ToString());
    }

    [Fact]
    public async Task The_type_cannot_change_and_removing_a_channel_takes_it_out_of_every_service()
    {
        var client = await fixture.Http.CreateClientAsync();
        var channel = await fixture.CreateWebhookAsync(client, "unused");
        var id = channel.GetProperty("id").GetInt64();
        (await fixture.Http.PatchJsonAsync($"/alert-channels/{id}", new { type = "slack" })).AssertFeathersError(400, "BadRequest");

        var other = await fixture.CreateWebhookAsync(client, "unused2");
        var serviceId = await fixture.CreateAlertingServiceAsync(client, [id, other.GetProperty("id").GetInt64()]);
        var (status, removed) = await fixture.Http.DeleteJsonAsync($"/alert-channels/{id}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(id, removed.GetProperty("id").GetInt64());
        var (_, service) = await fixture.Http.GetJsonAsync($"/client-services/{serviceId}");
        Assert.Equal([other.GetProperty("id").GetInt64()], service.GetProperty("alert_channel_ids").EnumerateArray().Select(e => e.GetInt64()));
        (await fixture.Http.GetJsonAsync($"/alert-channels/{id}")).AssertFeathersError(404, "NotFound");
    }

    [Fact]
    public async Task A_service_may_use_its_clients_and_shared_channels_only()
    {
        var mine = await fixture.Http.CreateClientAsync();
        var theirs = await fixture.Http.CreateClientAsync();
        var foreign = (await fixture.CreateWebhookAsync(theirs, "foreign")).GetProperty("id").GetInt64();
        var (_, shared) = await fixture.Http.PostJsonAsync("/alert-channels", new { name = "shared", type = "webhook", url = fixture.Receiver.Url("shared") });
        Assert.Equal(JsonValueKind.Null, shared.GetProperty("client_id").ValueKind);

        var service = await fixture.Http.CreateServiceAsync(mine, fixture.Target.Reply(200), new { alert_channel_ids = new[] { shared.GetProperty("id").GetInt64() } });
        var id = service.GetProperty("id").GetInt64();
        var refused = await fixture.Http.PatchJsonAsync($"/client-services/{id}", new { alert_channel_ids = new[] { foreign } });
        refused.AssertFeathersError(400, "BadRequest");
        Assert.Contains(foreign.ToString(System.Globalization.CultureInfo.InvariantCulture), refused.Body.GetProperty("errors").GetProperty("alert_channel_ids").GetString());
        (await fixture.Http.PatchJsonAsync($"/client-services/{id}", new { alert_channel_ids = new[] { 999_999_999L } })).AssertFeathersError(400, "BadRequest");
        (await fixture.Http.PatchJsonAsync($"/client-services/{id}", new { alert_channel_ids = "1,2" })).AssertFeathersError(400, "BadRequest");
    }

    [Fact]
    public async Task A_scoped_key_sees_shared_channels_by_id_name_and_type_and_cannot_write_them()
    {
        using var scoped = fixture.Fleet.Http(key: AlertingFixture.ScopedKey);
        var (_, shared) = await fixture.Http.PostJsonAsync("/alert-channels", new { name = "ops shared", type = "webhook", url = fixture.Receiver.Url("ops-shared") });
        var sharedId = shared.GetProperty("id").GetInt64();

        var (_, seen) = await scoped.GetJsonAsync($"/alert-channels/{sharedId}");
        Assert.Equal("ops shared", seen.GetProperty("name").GetString());
        Assert.Equal("webhook", seen.GetProperty("type").GetString());
        Assert.Equal(["id", "client_id", "name", "type"], seen.EnumerateObject().Select(p => p.Name));
        var (_, page) = await scoped.GetJsonAsync("/alert-channels?$limit=100&$sort[id]=-1");
        var listed = Assert.Single(page.GetProperty("data").EnumerateArray(), c => c.GetProperty("id").GetInt64() == sharedId);
        Assert.Equal(["id", "client_id", "name", "type"], listed.EnumerateObject().Select(p => p.Name));
        Assert.DoesNotContain("ops-shared", page.ToString());

        // A scoped key cannot search shared channels by what it may not read of them.
        var (_, byUrl) = await scoped.GetJsonAsync($"/alert-channels?url[$like]=%25ops-shared%25");
        Assert.Equal(0, byUrl.GetProperty("total").GetInt32());
        var (_, byName) = await scoped.GetJsonAsync("/alert-channels?name=ops%20shared");
        Assert.True(byName.GetProperty("total").GetInt32() >= 1);

        (await scoped.PatchJsonAsync($"/alert-channels/{sharedId}", new { name = "mine now" })).AssertFeathersError(403, "Forbidden");
        (await scoped.DeleteJsonAsync($"/alert-channels/{sharedId}")).AssertFeathersError(403, "Forbidden");
        (await scoped.PostJsonAsync("/alert-channels", new { client_id = (long?)null, name = "x", type = "webhook", url = "http://127.0.0.1/" })).AssertFeathersError(403, "Forbidden");

        // Its own client's channel: client_id defaults to the key's client.
        var (status, own) = await scoped.PostJsonAsync("/alert-channels", new { name = "own", type = "webhook", url = fixture.Receiver.Url("own") });
        Assert.True(status == HttpStatusCode.Created, own.ToString());
        Assert.Equal(fixture.ScopedClientId, own.GetProperty("client_id").GetInt64());
        var other = await fixture.Http.CreateClientAsync();
        var otherChannel = (await fixture.CreateWebhookAsync(other, "x")).GetProperty("id").GetInt64();
        (await scoped.GetJsonAsync($"/alert-channels/{otherChannel}")).AssertFeathersError(404, "NotFound");
    }

    private async Task<string> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(fixture.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
