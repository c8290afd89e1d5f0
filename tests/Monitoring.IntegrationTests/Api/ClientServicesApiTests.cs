using System.Net;
using System.Text.Json;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Api;

[Collection(ApiCollection.Name)]
public sealed class ClientServicesApiTests(ApiFixture fixture)
{
    private readonly HttpClient http = fixture.Http;

    [Fact]
    public async Task A_created_service_has_the_contract_defaults_and_its_first_check_scheduled()
    {
        var client = await http.CreateClientAsync();

        var service = await http.CreateServiceAsync(client, fixture.Target.Reply(200));

        Assert.Equal("GET", service.GetProperty("method").GetString());
        Assert.Equal(200, service.GetProperty("expected_status_code").GetInt32());
        Assert.Equal(5000, service.GetProperty("timeout_ms").GetInt32());
        Assert.Equal(2000, service.GetProperty("degraded_threshold_ms").GetInt32());
        Assert.Equal("UTC", service.GetProperty("cron_timezone").GetString());
        Assert.Equal("*/5 * * * *", service.GetProperty("cron_schedule").GetString());
        Assert.True(service.GetProperty("enabled").GetBoolean());
        Assert.False(service.GetProperty("has_basic_auth_password").GetBoolean());
        Assert.Equal(JsonValueKind.Null, service.GetProperty("last_status").ValueKind);
        Assert.Equal(JsonValueKind.Null, service.GetProperty("last_checked_at").ValueKind);
        Assert.Equal(JsonValueKind.Null, service.GetProperty("last_response_time_ms").ValueKind);
        // The next */5 occurrence after the create, plus the service's spread offset (at most Scheduling:MaxSpread, 5 s).
        var next = service.GetProperty("next_check_at").GetDateTimeOffset();
        var occurrence = Grains.Scheduling.CronSchedule.Parse("*/5 * * * *", "UTC").NextAfter(next.AddSeconds(-5).AddTicks(-1))!.Value;
        Assert.InRange(next - occurrence, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.InRange(next, DateTimeOffset.UtcNow.AddSeconds(-5), DateTimeOffset.UtcNow.AddMinutes(5).AddSeconds(5));
        Assert.False(service.TryGetProperty("basic_auth_password", out _));
    }

    [Theory]
    [InlineData("endpoint_url", "\"ftp://example.com\"")]
    [InlineData("endpoint_url", "\"/relative\"")]
    [InlineData("endpoint_url", "\"not a url\"")]
    [InlineData("endpoint_url", "42")]
    [InlineData("method", "\"PUT\"")]
    [InlineData("expected_status_code", "99")]
    [InlineData("expected_status_code", "600")]
    [InlineData("expected_status_code", "\"two hundred\"")]
    [InlineData("timeout_ms", "99")]
    [InlineData("timeout_ms", "60001")]
    [InlineData("timeout_ms", "1.5")]
    [InlineData("degraded_threshold_ms", "0")]
    [InlineData("cron_timezone", "\"Mars/Olympus\"")]
    [InlineData("cron_schedule", "\"every minute\"")]
    [InlineData("cron_schedule", "\"* * * *\"")]
    [InlineData("cron_schedule", "\"61 * * * *\"")]
    [InlineData("enabled", "\"yes\"")]
    [InlineData("name", "\"\"")]
    [InlineData("basic_auth_username", "7")]
    [InlineData("client_id", "\"one\"")]
    public async Task Each_invalid_field_is_a_400_that_names_it(string field, string json)
    {
        var client = await http.CreateClientAsync();
        var fields = new Dictionary<string, JsonElement>
        {
            ["client_id"] = JsonSerializer.SerializeToElement(client),
            ["name"] = JsonSerializer.SerializeToElement("svc"),
            ["endpoint_url"] = JsonSerializer.SerializeToElement(fixture.Target.Reply(200)),
            [field] = JsonDocument.Parse(json).RootElement,
        };

        var response = await http.PostJsonAsync("/client-services", fields);

        response.AssertFeathersError(400, "BadRequest");
        Assert.True(response.Body.GetProperty("errors").TryGetProperty(field, out _), response.Body.ToString());
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM client_services WHERE client_id = $1", client));
    }

    [Fact]
    public async Task The_cron_error_carries_the_parsers_reason()
    {
        var client = await http.CreateClientAsync();

        var response = await http.PostJsonAsync("/client-services", new { client_id = client, name = "x", endpoint_url = fixture.Target.Reply(200), cron_schedule = "61 * * * *" });

        response.AssertFeathersError(400, "BadRequest");
        Assert.StartsWith("Invalid cron_schedule:", response.Body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Required_fields_missing_are_all_named()
    {
        var response = await http.PostJsonAsync("/client-services", new { });

        response.AssertFeathersError(400, "BadRequest");
        var errors = response.Body.GetProperty("errors");
        Assert.True(errors.TryGetProperty("client_id", out _));
    }

    [Fact]
    public async Task An_unknown_client_is_a_400()
    {
        var response = await http.PostJsonAsync("/client-services", new { client_id = 987654321, name = "x", endpoint_url = fixture.Target.Reply(200) });

        response.AssertFeathersError(400, "BadRequest");
        Assert.True(response.Body.GetProperty("errors").TryGetProperty("client_id", out _));
    }

    [Fact]
    public async Task Six_field_crons_time_zones_and_head_are_accepted()
    {
        var client = await http.CreateClientAsync();

        var service = await http.CreateServiceAsync(client, fixture.Target.Reply(200), new { cron_schedule = "30 0 9 * * 1-5", cron_timezone = "Europe/Berlin", method = "HEAD", degraded_threshold_ms = (int?)null });

        Assert.Equal("30 0 9 * * 1-5", service.GetProperty("cron_schedule").GetString());
        Assert.Equal("Europe/Berlin", service.GetProperty("cron_timezone").GetString());
        Assert.Equal("HEAD", service.GetProperty("method").GetString());
        Assert.Equal(JsonValueKind.Null, service.GetProperty("degraded_threshold_ms").ValueKind);
        var next = service.GetProperty("next_check_at").GetDateTimeOffset();
        // 09:00:30 Berlin time on a weekday, plus the service's spread offset (at most Scheduling:MaxSpread, 5 s).
        var occurrence = Grains.Scheduling.CronSchedule.Parse("30 0 9 * * 1-5", "Europe/Berlin").NextAfter(DateTimeOffset.UtcNow.AddMinutes(-1))!.Value;
        var berlin = TimeZoneInfo.ConvertTime(occurrence, TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));
        Assert.Equal((9, 0, 30), (berlin.Hour, berlin.Minute, berlin.Second));
        Assert.InRange(next - occurrence, TimeSpan.Zero, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task The_password_is_write_only_and_patch_null_removes_it()
    {
        var client = await http.CreateClientAsync();
        const string password = "pa55-W0rd-never-shown";
        var service = await http.CreateServiceAsync(client, fixture.Target.Reply(200), new { basic_auth_username = "monitor", basic_auth_password = password });
        var id = service.GetProperty("id").GetInt64();

        var kept = await http.PatchJsonAsync($"/client-services/{id}", new { name = "renamed" });
        var listed = await http.GetJsonAsync($"/client-services?id={id}");
        var cleared = await http.PatchJsonAsync($"/client-services/{id}", new { basic_auth_password = (string?)null });

        Assert.True(service.GetProperty("has_basic_auth_password").GetBoolean());
        Assert.True(kept.Body.GetProperty("has_basic_auth_password").GetBoolean());
        Assert.False(cleared.Body.GetProperty("has_basic_auth_password").GetBoolean());
        foreach (var body in new[] { service, kept.Body, listed.Body, cleared.Body })
        {
            Assert.DoesNotContain(password, body.ToString());
            Assert.DoesNotContain("\"basic_auth_password\"", body.ToString());
        }

        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM client_services WHERE id = $1 AND basic_auth_password IS NULL", id));
    }

    [Fact]
    public async Task A_put_replaces_every_field_and_omitted_ones_take_their_defaults()
    {
        var client = await http.CreateClientAsync();
        var created = await http.CreateServiceAsync(client, fixture.Target.Reply(200), new
        {
            enabled = false, timeout_ms = 900, cron_schedule = "0 * * * *", basic_auth_username = "u", basic_auth_password = "p",
        });
        var id = created.GetProperty("id").GetInt64();

        var replaced = await http.SendRawAsync(HttpMethod.Put, $"/client-services/{id}", $$"""{"name":"replaced","endpoint_url":"{{fixture.Target.Reply(204)}}","enabled":false,"expected_status_code":"204"}""");
        var missingName = await http.SendRawAsync(HttpMethod.Put, $"/client-services/{id}", $$"""{"endpoint_url":"{{fixture.Target.Reply(200)}}"}""");

        Assert.Equal(HttpStatusCode.OK, replaced.Status);
        Assert.Equal("replaced", replaced.Body.GetProperty("name").GetString());
        Assert.Equal(204, replaced.Body.GetProperty("expected_status_code").GetInt32());
        Assert.Equal(5000, replaced.Body.GetProperty("timeout_ms").GetInt32());
        Assert.Equal("*/5 * * * *", replaced.Body.GetProperty("cron_schedule").GetString());
        Assert.Equal(JsonValueKind.Null, replaced.Body.GetProperty("basic_auth_username").ValueKind);
        Assert.False(replaced.Body.GetProperty("has_basic_auth_password").GetBoolean());
        Assert.Equal(created.GetProperty("created_at").GetString(), replaced.Body.GetProperty("created_at").GetString());
        missingName.AssertFeathersError(400, "BadRequest");
        Assert.Equal("replaced", (await http.GetJsonAsync($"/client-services/{id}")).Body.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Client_id_cannot_be_moved_by_a_patch()
    {
        var client = await http.CreateClientAsync();
        var other = await http.CreateClientAsync();
        var id = (await http.CreateServiceAsync(client, fixture.Target.Reply(200))).GetProperty("id").GetInt64();

        var response = await http.PatchJsonAsync($"/client-services/{id}", new { client_id = other });

        response.AssertFeathersError(400, "BadRequest");
    }

    [Fact]
    public async Task Two_concurrent_patches_of_one_service_never_interleave()
    {
        var client = await http.CreateClientAsync();
        var id = (await http.CreateServiceAsync(client, fixture.Target.Reply(200))).GetProperty("id").GetInt64();

        // Act: many concurrent patches, each writing a pair of fields that must stay together.
        var patches = Enumerable.Range(1, 40).Select(i =>
            http.PatchJsonAsync($"/client-services/{id}", new { name = $"n{i}", timeout_ms = 1000 + i }));
        var results = await Task.WhenAll(patches);

        // Assert: every answer, and the final row, hold a name and a timeout from the same patch.
        foreach (var (status, body) in results)
        {
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal($"n{body.GetProperty("timeout_ms").GetInt32() - 1000}", body.GetProperty("name").GetString());
        }

        var (_, final) = await http.GetJsonAsync($"/client-services/{id}");
        Assert.Equal($"n{final.GetProperty("timeout_ms").GetInt32() - 1000}", final.GetProperty("name").GetString());
        var row = await fixture.Database.ScalarAsync<string>("SELECT name || ':' || timeout_ms FROM client_services WHERE id = $1", id);
        Assert.Equal($"{final.GetProperty("name").GetString()}:{final.GetProperty("timeout_ms").GetInt32()}", row);
    }

    [Fact]
    public async Task A_manual_check_answers_the_stored_record_and_updates_the_service()
    {
        var client = await http.CreateClientAsync();
        var id = (await http.CreateServiceAsync(client, fixture.Target.Reply(200, "{\"status\":\"ok\"}"), new { enabled = false })).GetProperty("id").GetInt64();

        var check = await http.PostJsonAsync($"/client-services/{id}/check", null);
        var (_, service) = await http.GetJsonAsync($"/client-services/{id}");
        var (_, stored) = await http.GetJsonAsync($"/service-status/{check.Body.GetProperty("id").GetInt64()}");

        Assert.Equal(HttpStatusCode.Created, check.Status);
        Assert.Equal("up", check.Body.GetProperty("status").GetString());
        Assert.Equal("manual", check.Body.GetProperty("trigger").GetString());
        Assert.Equal("ok", check.Body.GetProperty("reported_status").GetString());
        Assert.Equal(check.Body.ToString(), stored.ToString().Replace(": ", ":"));
        Assert.Equal("up", service.GetProperty("last_status").GetString());
        Assert.Equal(check.Body.GetProperty("checked_at").GetString(), service.GetProperty("last_checked_at").GetString());
        Assert.Equal(check.Body.GetProperty("response_time_ms").GetInt32(), service.GetProperty("last_response_time_ms").GetInt32());
        Assert.Equal(JsonValueKind.Null, service.GetProperty("next_check_at").ValueKind);
    }

    [Fact]
    public async Task A_hanging_check_blocks_neither_reads_nor_patches_of_its_service()
    {
        var client = await http.CreateClientAsync();
        var key = Guid.NewGuid().ToString("N");
        var id = (await http.CreateServiceAsync(client, fixture.Target.Url($"/hang/{key}"), new { enabled = false, timeout_ms = 3000 })).GetProperty("id").GetInt64();
        var check = http.PostJsonAsync($"/client-services/{id}/check", null);
        await Eventually.IsTrueAsync(() => Task.FromResult(fixture.Target.Hits(key) == 1), TimeSpan.FromSeconds(10), "the check to reach the hanging target");

        var read = await http.GetJsonAsync($"/client-services/{id}");
        var patched = await http.PatchJsonAsync($"/client-services/{id}", new { name = "still answering" });

        Assert.False(check.IsCompleted);
        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.Equal("still answering", patched.Body.GetProperty("name").GetString());
        var (status, result) = await check;
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(("down", "timeout after 3000 ms"), (result.GetProperty("status").GetString(), result.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task Removing_a_service_removes_its_history_and_answers_the_record()
    {
        var client = await http.CreateClientAsync();
        var id = (await http.CreateServiceAsync(client, fixture.Target.Reply(200))).GetProperty("id").GetInt64();
        await http.PostJsonAsync($"/client-services/{id}/check", null);

        var removed = await http.DeleteJsonAsync($"/client-services/{id}");

        Assert.Equal(HttpStatusCode.OK, removed.Status);
        Assert.Equal(id, removed.Body.GetProperty("id").GetInt64());
        (await http.GetJsonAsync($"/client-services/{id}")).AssertFeathersError(404, "NotFound");
        (await http.PostJsonAsync($"/client-services/{id}/check", null)).AssertFeathersError(404, "NotFound");
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM service_status WHERE service_id = $1", id));
    }

    [Fact]
    public async Task Removing_a_client_removes_its_services_and_their_history()
    {
        var client = await http.CreateClientAsync();
        var ids = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            var id = (await http.CreateServiceAsync(client, fixture.Target.Reply(200))).GetProperty("id").GetInt64();
            await http.PostJsonAsync($"/client-services/{id}/check", null);
            ids.Add(id);
        }

        const string Sums = "SELECT count(*) FROM service_status_hourly WHERE service_id = ANY($1)";
        Assert.True(await fixture.Database.ScalarAsync<long>(Sums, ids.ToArray()) >= 3, "the checks were not summed");

        var removed = await http.DeleteJsonAsync($"/clients/{client}");

        Assert.Equal(HttpStatusCode.OK, removed.Status);
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM client_services WHERE client_id = $1", client));
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM service_status WHERE client_id = $1", client));
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>(Sums, ids.ToArray()));
        foreach (var id in ids)
        {
            (await http.GetJsonAsync($"/client-services/{id}")).AssertFeathersError(404, "NotFound");
        }
    }

    [Fact]
    public async Task Service_status_history_is_append_only()
    {
        var client = await http.CreateClientAsync();
        var id = (await http.CreateServiceAsync(client, fixture.Target.Reply(200))).GetProperty("id").GetInt64();
        var check = await http.PostJsonAsync($"/client-services/{id}/check", null);
        var statusId = check.Body.GetProperty("id").GetInt64();

        (await http.SendRawAsync(HttpMethod.Patch, $"/service-status/{statusId}", "{\"status\":\"down\"}")).AssertFeathersError(405, "MethodNotAllowed");
        (await http.SendRawAsync(HttpMethod.Put, $"/service-status/{statusId}", "{\"status\":\"down\"}")).AssertFeathersError(405, "MethodNotAllowed");
        (await http.SendRawAsync(HttpMethod.Delete, $"/service-status/{statusId}", null)).AssertFeathersError(405, "MethodNotAllowed");
        (await http.SendRawAsync(HttpMethod.Post, "/service-status", "{\"status\":\"down\"}")).AssertFeathersError(405, "MethodNotAllowed");
        (await http.GetJsonAsync("/service-status/987654321")).AssertFeathersError(404, "NotFound");
        Assert.Equal("up", await fixture.Database.ScalarAsync<string>("SELECT status FROM service_status WHERE id = $1", statusId));
    }
}
