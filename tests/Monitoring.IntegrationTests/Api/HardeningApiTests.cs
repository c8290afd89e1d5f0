using System.Net;
using System.Text;
using System.Text.Json;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Api;

/// <summary>
/// Input that a parser accepts but that used to throw further on, credentials in the wrong place, and
/// targets that send what cannot be read: each is a clear 4xx or a stored result, never a 500.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class HardeningApiTests(ApiFixture fixture)
{
    private readonly HttpClient http = fixture.Http;

    [Theory]
    [InlineData("cron_schedule", "H * * * *")]
    [InlineData("cron_schedule", "0 H * * *")]
    [InlineData("cron_schedule", "H(0-29) * * * *")]
    [InlineData("cron_schedule", "0 0 30 2 *")]
    [InlineData("cron_schedule", "0 0 1 1 1#6")]
    [InlineData("cron_schedule", "@hourly")]
    [InlineData("cron_timezone", "America")]
    [InlineData("cron_timezone", "Europe/")]
    [InlineData("cron_timezone", "..")]
    [InlineData("cron_timezone", "America//New_York")]
    [InlineData("cron_timezone", "/etc/localtime")]
    [InlineData("cron_timezone", "posix")]
    public async Task Create_patch_and_replace_answer_400_naming_the_field_and_change_nothing(string field, string value)
    {
        var client = await http.CreateClientAsync();
        var body = new Dictionary<string, object> { ["client_id"] = client, ["name"] = "svc", ["endpoint_url"] = fixture.Target.Reply(200), [field] = value };
        var existing = await http.CreateServiceAsync(client, fixture.Target.Reply(200), new { cron_schedule = "*/10 * * * *" });
        var id = existing.GetProperty("id").GetInt64();

        // Act
        var created = await http.PostJsonAsync("/client-services", body);
        var patched = await http.PatchJsonAsync($"/client-services/{id}", new Dictionary<string, object> { [field] = value });
        var replaced = await HttpJson.SendAsync(http, HttpMethod.Put, $"/client-services/{id}", body);

        // Assert
        foreach (var response in new[] { created, patched, replaced })
        {
            response.AssertFeathersError(400, "BadRequest");
            Assert.True(response.Body.GetProperty("errors").TryGetProperty(field, out _), response.Body.ToString());
        }

        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM client_services WHERE client_id = $1", client));
        var after = (await http.GetJsonAsync($"/client-services/{id}")).Body;
        Assert.Equal(existing.GetProperty("updated_at").GetString(), after.GetProperty("updated_at").GetString());
        Assert.Equal("*/10 * * * *", after.GetProperty("cron_schedule").GetString());
    }

    [Theory]
    [InlineData("0 0 1 6 *")]
    [InlineData("0 0 29 2 *")]
    [InlineData("0 0 1 1 *")]
    public async Task A_schedule_whose_next_run_is_months_away_is_created_once_with_its_next_check(string cron)
    {
        var client = await http.CreateClientAsync();

        var first = await http.PostJsonAsync("/client-services", new { client_id = client, name = "yearly", endpoint_url = fixture.Target.Reply(200), cron_schedule = cron });
        var second = await http.PostJsonAsync("/client-services", new { client_id = client, name = "yearly", endpoint_url = fixture.Target.Reply(200), cron_schedule = cron });

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (first.Status, second.Status));
        Assert.Equal(2L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM client_services WHERE client_id = $1", client));
        var next = first.Body.GetProperty("next_check_at").GetDateTimeOffset();
        var expected = Grains.Scheduling.CronSchedule.Parse(cron, "UTC").NextAfter(DateTimeOffset.UtcNow)!.Value;
        // The service's spread offset: at most Scheduling:MaxSpread (5 s) after the occurrence.
        Assert.InRange(next - expected, TimeSpan.Zero, TimeSpan.FromSeconds(5));
    }

    [Theory]
    [InlineData("http://user:pass@127.0.0.1:1/health")]
    [InlineData("https://user@example.com/health")]
    [InlineData("http://:pass@example.com/")]
    public async Task Credentials_in_the_url_are_a_400_pointing_to_the_basic_auth_fields(string url)
    {
        var client = await http.CreateClientAsync();

        var response = await http.PostJsonAsync("/client-services", new { client_id = client, name = "creds", endpoint_url = url });

        response.AssertFeathersError(400, "BadRequest");
        Assert.Contains("basic_auth_password", response.Body.GetProperty("errors").GetProperty("endpoint_url").GetString());
        Assert.DoesNotContain("pass@", response.Body.ToString());
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM client_services WHERE client_id = $1", client));
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[fd00:ec2::254]/latest/meta-data/")]
    [InlineData("http://[::ffff:169.254.169.254]/")]
    [InlineData("http://100.100.100.200/")]
    public async Task A_literal_metadata_or_link_local_address_is_a_400(string url)
    {
        var client = await http.CreateClientAsync();

        var response = await http.PostJsonAsync("/client-services", new { client_id = client, name = "meta", endpoint_url = url });

        response.AssertFeathersError(400, "BadRequest");
        Assert.Contains("checks may not connect to the network", response.Body.GetProperty("errors").GetProperty("endpoint_url").GetString());
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM client_services WHERE client_id = $1", client));
    }

    [Fact]
    public async Task Moving_a_service_with_a_password_to_another_origin_needs_the_password_again()
    {
        var client = await http.CreateClientAsync();
        var created = await http.CreateServiceAsync(client, fixture.Target.Url("/hit/origin"), new { basic_auth_username = "u", basic_auth_password = "stored-secret" });
        var id = created.GetProperty("id").GetInt64();
        var otherPort = new UriBuilder(fixture.Target.Url("/hit/origin")) { Port = FreePort.Next() }.Uri.ToString();
        var otherHost = fixture.Target.Url("/hit/origin").Replace("127.0.0.1", "localhost");

        // Act + Assert: another port or host without the password is refused, and nothing changes.
        foreach (var url in new[] { otherPort, otherHost })
        {
            var moved = await http.PatchJsonAsync($"/client-services/{id}", new { endpoint_url = url });
            moved.AssertFeathersError(400, "BadRequest");
            Assert.True(moved.Body.GetProperty("errors").TryGetProperty("basic_auth_password", out _), moved.Body.ToString());
        }

        var unchanged = (await http.GetJsonAsync($"/client-services/{id}")).Body;
        Assert.Equal(created.GetProperty("endpoint_url").GetString(), unchanged.GetProperty("endpoint_url").GetString());
        Assert.Equal(created.GetProperty("updated_at").GetString(), unchanged.GetProperty("updated_at").GetString());

        // Another path on the same origin keeps the password.
        var samePath = await http.PatchJsonAsync($"/client-services/{id}", new { endpoint_url = fixture.Target.Url("/hit/origin-2") });
        Assert.Equal(HttpStatusCode.OK, samePath.Status);
        Assert.True(samePath.Body.GetProperty("has_basic_auth_password").GetBoolean());
        var check = await http.PostJsonAsync($"/client-services/{id}/check", null);
        Assert.Equal(HttpStatusCode.Created, check.Status);
        Assert.Contains("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("u:stored-secret")), fixture.Target.Authorizations);

        // With the password (a new one, or null), the move is accepted.
        var withNew = await http.PatchJsonAsync($"/client-services/{id}", new { endpoint_url = otherHost, basic_auth_password = "new-secret" });
        Assert.Equal(HttpStatusCode.OK, withNew.Status);
        Assert.True(withNew.Body.GetProperty("has_basic_auth_password").GetBoolean());
        var withNull = await http.PatchJsonAsync($"/client-services/{id}", new { endpoint_url = otherPort, basic_auth_password = (string?)null });
        Assert.Equal(HttpStatusCode.OK, withNull.Status);
        Assert.False(withNull.Body.GetProperty("has_basic_auth_password").GetBoolean());
    }

    public static TheoryData<string, byte[], string?, string, string?, int> Garbage() => new()
    {
        // name, body, Content-Encoding, expected status, expected error (prefix), status code
        { "lone surrogate status", Encoding.UTF8.GetBytes(@"{""status"":""\ud800""}"), null, "up", null, 200 },
        { "NUL in the message", Encoding.UTF8.GetBytes(@"{""status"":""down"",""message"":""db\u0000down""}"), null, "down", "reported status: down (db\uFFFDdown)", 200 },
        { "NUL in the details", Encoding.UTF8.GetBytes(@"{""status"":""ok"",""checks"":{""db"":{""status"":""fail"",""error"":""\u0000""}}}"), null, "degraded", "dependency db reports a problem", 200 },
        { "UTF-8 BOM", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(@"{""status"":""down""}")], null, "down", "reported status: down", 200 },
        { "UTF-16 with BOM", [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(@"{""status"":""warn""}")], null, "degraded", "reported status: warn", 200 },
        { "gzip that is not gzip", Encoding.UTF8.GetBytes(@"{""status"":""ok""}"), "gzip", "degraded", "body could not be read", 200 },
        { "brotli that is not brotli", Encoding.UTF8.GetBytes("plain text, honestly"), "br", "degraded", "body could not be read", 200 },
        { "invalid UTF-8", [0x7B, 0x22, 0x73, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D], null, "up", null, 200 },
        // Deeper than the reader's bound of 32 levels: not read as JSON, so its status says nothing.
        { "deep nesting", Encoding.UTF8.GetBytes(@"{""status"":""down"",""x"":" + new string('[', 100) + new string(']', 100) + "}"), null, "up", null, 200 },
        { "a 500 with a lying gzip", Encoding.UTF8.GetBytes("oops"), "gzip", "down", "HTTP 500", 500 },
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public async Task Whatever_a_target_sends_the_check_is_stored_with_a_status_and_a_reason(string name, byte[] body, string? encoding, string status, string? error, int code)
    {
        var client = await http.CreateClientAsync();
        var url = fixture.Target.Bytes(body, code, encoding);
        var service = (await http.CreateServiceAsync(client, url, new { name, cron_schedule = "* * * * * *" })).GetProperty("id").GetInt64();

        // Act: a manual check, and the scheduled ones.
        var manual = await http.PostJsonAsync($"/client-services/{service}/check", null);
        await Eventually.IsTrueAsync(async () => await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM service_status WHERE service_id = $1 AND trigger = 'schedule'", service) >= 2, TimeSpan.FromSeconds(15), "two scheduled checks stored");

        // Assert
        Assert.Equal(HttpStatusCode.Created, manual.Status);
        Assert.Equal(status, manual.Body.GetProperty("status").GetString());
        Assert.Equal(code, manual.Body.GetProperty("status_code").GetInt32());
        if (error is null)
        {
            Assert.Equal(JsonValueKind.Null, manual.Body.GetProperty("error").ValueKind);
        }
        else
        {
            Assert.StartsWith(error, manual.Body.GetProperty("error").GetString());
        }

        var stored = await fixture.Database.ScalarAsync<string>(
            "SELECT string_agg(DISTINCT status || '/' || status_code, ',') FROM service_status WHERE service_id = $1", service);
        Assert.Equal($"{status}/{code}", stored);
    }
}
