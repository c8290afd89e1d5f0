using System.Net;
using System.Text.Json;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Monitors;

/// <summary>
/// Heartbeats through the real gateway and silo (monitors.md): a job reports over HTTP to its ping_url, the grain's cron
/// stores one miss per occurrence without a report, and the token behaves as a secret.
/// </summary>
public sealed class HeartbeatTests(MonitorsFixture fixture) : IClassFixture<MonitorsFixture>
{
    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task A_heartbeat_has_a_ping_url_on_the_gateway_and_no_fields_of_a_check_we_make()
    {
        var service = await fixture.CreateHeartbeatAsync(new { grace_seconds = 120 });

        var pingUrl = service.GetProperty("ping_url").GetString()!;
        Assert.StartsWith(fixture.Fleet.GatewayUrl().TrimEnd('/') + "/ping/", pingUrl, StringComparison.Ordinal);
        Assert.True(pingUrl.Split('/')[^1].Length >= 22, "128 random bits as URL-safe base64");
        Assert.Equal("heartbeat", service.GetProperty("type").GetString());
        Assert.Equal(120, service.GetProperty("grace_seconds").GetInt32());
        foreach (var field in new[] { "endpoint_url", "method", "expected_status_code", "tls_verify", "tls_expiry_days", "conditions", "request_headers", "follow_redirects", "tls_expires_at" })
        {
            Assert.Equal(JsonValueKind.Null, service.GetProperty(field).ValueKind);
        }

        // The token is returned to keys that can see the service: a find and a get show the same ping_url.
        var id = service.GetProperty("id").GetInt64();
        var (_, got) = await Http.GetJsonAsync($"/client-services/{id}");
        Assert.Equal(pingUrl, got.GetProperty("ping_url").GetString());
        var (_, found) = await Http.GetJsonAsync($"/client-services?id={id}");
        Assert.Equal(pingUrl, found.GetProperty("data")[0].GetProperty("ping_url").GetString());
    }

    [Fact]
    public async Task Reports_are_stored_as_results_with_trigger_ping_by_every_method_and_exit_status()
    {
        var service = await fixture.CreateHeartbeatAsync();
        var id = service.GetProperty("id").GetInt64();
        var ping = service.GetProperty("ping_url").GetString()!;

        var get = await fixture.Anonymous.GetAsync(ping);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("OK", await get.Content.ReadAsStringAsync());
        Assert.StartsWith("text/plain", get.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Head, ping))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Anonymous.PostAsync(ping + "/fail", new StringContent("disk full\nat /var/backups"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Anonymous.PostAsync(ping + "/0", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Anonymous.PostAsync(ping + "/3", new StringContent("rsync failed"))).StatusCode);

        var results = await fixture.ResultsAsync(id);
        Assert.Equal(5, results.Length);
        Assert.All(results, r => Assert.Equal("ping", r.GetProperty("trigger").GetString()));
        Assert.All(results, r => Assert.Equal(JsonValueKind.Null, r.GetProperty("status_code").ValueKind));
        Assert.Equal(new string?[] { "up", "up", "down", "up", "down" }, results.Select(r => r.GetProperty("status").GetString()).ToArray());
        Assert.Equal("reported failure: disk full\nat /var/backups", results[2].GetProperty("error").GetString());
        Assert.Equal("exit status 3: rsync failed", results[4].GetProperty("error").GetString());

        var (_, record) = await Http.GetJsonAsync($"/client-services/{id}");
        Assert.Equal("down", record.GetProperty("last_status").GetString());
    }

    [Fact]
    public async Task A_run_that_started_reports_its_run_time_and_one_that_never_finishes_is_down_once()
    {
        var finished = await fixture.CreateHeartbeatAsync(new { timeout_ms = 60_000 });
        var ping = finished.GetProperty("ping_url").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await fixture.Anonymous.GetAsync(ping + "/start")).StatusCode);
        Assert.Empty(await fixture.ResultsAsync(finished.GetProperty("id").GetInt64()));
        await Task.Delay(300);
        await fixture.Anonymous.GetAsync(ping);
        var run = Assert.Single(await fixture.ResultsAsync(finished.GetProperty("id").GetInt64()));
        Assert.InRange(run.GetProperty("response_time_ms").GetInt32(), 300, 10_000);

        var hanging = await fixture.CreateHeartbeatAsync(new { timeout_ms = 500 });
        var hangingId = hanging.GetProperty("id").GetInt64();
        await fixture.Anonymous.GetAsync(hanging.GetProperty("ping_url").GetString() + "/start");
        await Eventually.IsTrueAsync(async () => (await fixture.ResultsAsync(hangingId)).Length > 0, TimeSpan.FromSeconds(10), "the unfinished run's result");
        var stuck = (await fixture.ResultsAsync(hangingId))[0];
        Assert.Equal("down", stuck.GetProperty("status").GetString());
        Assert.Equal("started but did not finish", stuck.GetProperty("error").GetString());
        Assert.Equal("schedule", stuck.GetProperty("trigger").GetString());
        Assert.Equal(500, stuck.GetProperty("response_time_ms").GetInt32());
        await Task.Delay(1500);
        Assert.Single(await fixture.ResultsAsync(hangingId));
    }

    [Fact]
    public async Task Missed_occurrences_are_stored_once_each_and_reports_in_time_prevent_them()
    {
        // Every 2 s with 1 s of grace: the occurrence at t is decided at t + 1 s, over reports after t - 2 s.
        var missing = await fixture.CreateHeartbeatAsync(new { cron_schedule = "*/2 * * * * *", grace_seconds = 1 });
        var reporting = await fixture.CreateHeartbeatAsync(new { cron_schedule = "*/2 * * * * *", grace_seconds = 1 });
        var missingId = missing.GetProperty("id").GetInt64();
        var reportingId = reporting.GetProperty("id").GetInt64();
        var reportingPing = reporting.GetProperty("ping_url").GetString()!;

        var until = DateTimeOffset.UtcNow.AddSeconds(9);
        while (DateTimeOffset.UtcNow < until)
        {
            Assert.Equal(HttpStatusCode.OK, (await fixture.Anonymous.GetAsync(reportingPing)).StatusCode);
            await Task.Delay(1000);
        }

        var misses = (await fixture.ResultsAsync(missingId)).Where(r => r.GetProperty("trigger").GetString() == "schedule").ToArray();
        Assert.InRange(misses.Length, 3, 5);
        Assert.All(misses, m => Assert.Equal("down", m.GetProperty("status").GetString()));
        Assert.All(misses, m => Assert.StartsWith("no ping received since ", m.GetProperty("error").GetString(), StringComparison.Ordinal));
        var times = misses.Select(m => DateTimeOffset.Parse(m.GetProperty("checked_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(times.Length, times.Distinct().Count());
        Assert.All(times, t => Assert.Equal(1, t.Second % 2)); // each at its occurrence + 1 s of grace
        Assert.All(times.Zip(times.Skip(1)), pair => Assert.Equal(TimeSpan.FromSeconds(2), pair.Second - pair.First));

        Assert.DoesNotContain(await fixture.ResultsAsync(reportingId), r => r.GetProperty("trigger").GetString() == "schedule");
        Assert.Equal(0L, await fixture.ScalarAsync<long>($"SELECT count(*) - count(DISTINCT due_key) FROM service_status WHERE service_id = {missingId} AND due_key IS NOT NULL"));

        // The record's next_check_at is the next deadline.
        var (_, record) = await Http.GetJsonAsync($"/client-services/{missingId}");
        var next = DateTimeOffset.Parse(record.GetProperty("next_check_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(next - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(-1), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task A_disabled_heartbeat_stores_reports_and_never_reports_a_miss()
    {
        var service = await fixture.CreateHeartbeatAsync(new { cron_schedule = "* * * * * *", grace_seconds = 0, enabled = false });
        var id = service.GetProperty("id").GetInt64();

        Assert.Equal(HttpStatusCode.OK, (await fixture.Anonymous.GetAsync(service.GetProperty("ping_url").GetString())).StatusCode);
        await Task.Delay(2500);

        var result = Assert.Single(await fixture.ResultsAsync(id));
        Assert.Equal("ping", result.GetProperty("trigger").GetString());
    }

    [Fact]
    public async Task Unknown_tokens_bad_paths_big_bodies_and_floods_get_clear_errors()
    {
        var service = await fixture.CreateHeartbeatAsync();
        var ping = service.GetProperty("ping_url").GetString()!;

        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Anonymous.GetAsync("/ping/AAAAAAAAAAAAAAAAAAAAAA")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Anonymous.GetAsync("/ping/short")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Anonymous.GetAsync(ping + "/restart")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await fixture.Anonymous.GetAsync(ping + "/256")).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await fixture.Anonymous.DeleteAsync(ping)).StatusCode);

        var big = await fixture.Anonymous.PostAsync(ping + "/fail", new ByteArrayContent(new byte[100 * 1024 + 1]));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Anonymous.PostAsync(ping, new ByteArrayContent(new byte[100 * 1024]))).StatusCode);

        await Task.Delay(1100);
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < MonitorsFixture.PingsPerSecond * 3; i++)
        {
            answers.Add((await fixture.Anonymous.GetAsync(ping)).StatusCode);
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, answers);
        Assert.InRange(answers.Count(a => a == HttpStatusCode.OK), MonitorsFixture.PingsPerSecond, MonitorsFixture.PingsPerSecond * 3 - 1);

        // The limit is per token: another heartbeat is not held back by this one's flood.
        var other = await fixture.CreateHeartbeatAsync();
        Assert.Equal(HttpStatusCode.OK, (await fixture.Anonymous.GetAsync(other.GetProperty("ping_url").GetString())).StatusCode);
    }

    [Fact]
    public async Task A_new_token_stops_the_old_one_and_a_heartbeat_cannot_be_checked_by_us()
    {
        var service = await fixture.CreateHeartbeatAsync();
        var id = service.GetProperty("id").GetInt64();
        var oldPing = service.GetProperty("ping_url").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await fixture.Anonymous.GetAsync(oldPing)).StatusCode);

        var (status, renewed) = await Http.PostJsonAsync($"/client-services/{id}/ping-token", null);
        Assert.Equal(HttpStatusCode.Created, status);
        var newPing = renewed.GetProperty("ping_url").GetString()!;
        Assert.NotEqual(oldPing, newPing);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Anonymous.GetAsync(oldPing)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Anonymous.GetAsync(newPing)).StatusCode);

        (await Http.PostJsonAsync($"/client-services/{id}/check", null)).AssertFeathersError(400, "BadRequest");
        var http = (await Http.CreateServiceAsync(await Http.CreateClientAsync(), fixture.Target.Reply(200), new { cron_schedule = MonitorsFixture.Yearly })).GetProperty("id").GetInt64();
        (await Http.PostJsonAsync($"/client-services/{http}/ping-token", null)).AssertFeathersError(400, "BadRequest");

        // A PUT of what a GET gave keeps the token (and its job's URL).
        var (_, current) = await Http.GetJsonAsync($"/client-services/{id}");
        var (putStatus, put) = await HttpJson.SendAsync(Http, HttpMethod.Put, $"/client-services/{id}", current);
        Assert.True(putStatus == HttpStatusCode.OK, put.ToString());
        Assert.Equal(newPing, put.GetProperty("ping_url").GetString());
    }

    [Fact]
    public async Task The_token_is_stored_only_hashed_and_encrypted_and_never_logged()
    {
        var service = await fixture.CreateHeartbeatAsync();
        var id = service.GetProperty("id").GetInt64();
        var ping = service.GetProperty("ping_url").GetString()!;
        var token = ping.Split('/')[^1];
        await fixture.Anonymous.PostAsync(ping + "/fail", new StringContent("boom"));
        await fixture.Anonymous.GetAsync(ping + "/999");

        var row = await fixture.ScalarAsync<string>($"SELECT row_to_json(s)::text FROM client_services s WHERE id = {id}");
        Assert.DoesNotContain(token, row, StringComparison.Ordinal);
        Assert.Contains("\"ping_token_ciphertext\":\"v1:", row, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Fleet.Logs.Lines, line => line.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Fields_of_other_types_are_refused_by_name()
    {
        var client = await Http.CreateClientAsync();

        var (status, body) = await Http.PostJsonAsync("/client-services", new { client_id = client, name = "b", type = "heartbeat", endpoint_url = "http://127.0.0.1/" });
        (status, body).AssertFeathersError(400, "BadRequest");
        Assert.Contains("endpoint_url", body.GetProperty("errors").EnumerateObject().Select(e => e.Name));

        (status, body) = await Http.PostJsonAsync("/client-services", new { client_id = client, name = "t", type = "tcp", endpoint_url = "tcp://127.0.0.1:22", method = "POST" });
        (status, body).AssertFeathersError(400, "BadRequest");
        Assert.Contains("method", body.GetProperty("errors").EnumerateObject().Select(e => e.Name));

        (status, body) = await Http.PostJsonAsync("/client-services", new { client_id = client, name = "h", endpoint_url = "http://127.0.0.1/", grace_seconds = 5 });
        (status, body).AssertFeathersError(400, "BadRequest");
        Assert.Contains("grace_seconds", body.GetProperty("errors").EnumerateObject().Select(e => e.Name));

        (status, body) = await Http.PostJsonAsync("/client-services", new { client_id = client, name = "c", endpoint_url = "http://127.0.0.1/", conditions = new[] { "[STATUS] === 200" } });
        (status, body).AssertFeathersError(400, "BadRequest");
        Assert.Contains("condition 1", body.GetProperty("errors").GetProperty("conditions").GetString(), StringComparison.Ordinal);
    }
}
