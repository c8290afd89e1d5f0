using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Monitoring.IntegrationTests.Feed;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.StatusPages;

/// <summary>The status-pages resource, the page's access rules and its JSON twin, through the real HTTP pipeline and hub.</summary>
[Collection(StatusPagesApiCollection.Name)]
public sealed class StatusPageApiTests(StatusPagesApiFixture fixture)
{
    [Fact]
    public async Task Pages_are_a_resource_like_the_others_with_their_events()
    {
        await using var listener = await FeedListener.ConnectAsync(fixture.Fleet.GatewayUrl(), InProcessFleet.AdminKey);
        var names = new List<string>();
        foreach (var name in new[] { "status-pages created", "status-pages patched", "status-pages removed" })
        {
            listener.Connection.On<JsonElement>(name, record => { lock (names) { names.Add($"{name} {record.GetProperty("slug").GetString()}"); } });
        }

        var client = await fixture.Http.CreateClientAsync();
        var first = await fixture.CreateServiceAsync(client);
        var second = await fixture.CreateServiceAsync(client);
        var slug = StatusPagesApiFixture.NewSlug();
        var page = await fixture.CreatePageAsync(client, [second, first], isPublic: false, slug);
        var id = page.GetProperty("id").GetInt64();
        Assert.Equal(slug, page.GetProperty("slug").GetString());
        Assert.Equal([second, first], page.GetProperty("service_ids").EnumerateArray().Select(e => e.GetInt64()));
        Assert.False(page.GetProperty("public").GetBoolean());
        Assert.Equal(client, page.GetProperty("client_id").GetInt64());
        Assert.True(page.TryGetProperty("created_at", out _) && page.TryGetProperty("updated_at", out _));

        var (found, list) = await fixture.Http.GetJsonAsync($"/status-pages?client_id={client}&slug={slug}&$select[]=slug");
        Assert.True(found == HttpStatusCode.OK, list.ToString());
        Assert.Equal(1, list.GetProperty("total").GetInt64());
        Assert.Equal(slug, list.GetProperty("data")[0].GetProperty("slug").GetString());

        var (patched, changed) = await fixture.Http.PatchJsonAsync($"/status-pages/{id}", new { title = "  Our status  ", @public = true });
        Assert.True(patched == HttpStatusCode.OK, changed.ToString());
        Assert.Equal("Our status", changed.GetProperty("title").GetString());
        Assert.True(changed.GetProperty("public").GetBoolean());
        Assert.Equal([second, first], changed.GetProperty("service_ids").EnumerateArray().Select(e => e.GetInt64()));

        var (replaced, put) = await HttpJson.SendAsync(fixture.Http, HttpMethod.Put, $"/status-pages/{id}", new { slug, title = "Replaced", service_ids = new[] { first } });
        Assert.True(replaced == HttpStatusCode.OK, put.ToString());
        Assert.False(put.GetProperty("public").GetBoolean());
        Assert.Equal(JsonValueKind.Null, put.GetProperty("description").ValueKind);

        var (removed, gone) = await fixture.Http.DeleteJsonAsync($"/status-pages/{id}");
        Assert.True(removed == HttpStatusCode.OK, gone.ToString());
        (await fixture.Http.GetJsonAsync($"/status-pages/{id}")).AssertFeathersError(404, "NotFound");
        (await fixture.Http.GetJsonAsync($"/status/{slug}.json")).AssertFeathersError(404, "NotFound");

        await Eventually.IsTrueAsync(() => { lock (names) { return Task.FromResult(names.Count == 4); } }, TimeSpan.FromSeconds(10), "four page events");
        Assert.Equal([$"status-pages created {slug}", $"status-pages patched {slug}", $"status-pages patched {slug}", $"status-pages removed {slug}"], names);
    }

    [Theory]
    [InlineData("ab", "slug")]
    [InlineData("Upper-Case", "slug")]
    [InlineData("with space", "slug")]
    [InlineData("dots.json", "slug")]
    [InlineData("trailing-newline\n", "slug")]
    public async Task A_bad_slug_is_a_400_naming_it(string slug, string field)
    {
        var client = await fixture.Http.CreateClientAsync();
        var response = await fixture.Http.PostJsonAsync("/status-pages", new { client_id = client, slug, title = "t" });
        response.AssertFeathersError(400, "BadRequest");
        Assert.True(response.Body.GetProperty("errors").TryGetProperty(field, out _), response.Body.ToString());
    }

    [Fact]
    public async Task Wrong_fields_are_400s_a_taken_slug_is_a_409_and_nothing_is_stored()
    {
        var client = await fixture.Http.CreateClientAsync();
        var other = await fixture.Http.CreateClientAsync();
        var foreign = await fixture.CreateServiceAsync(other);
        var slug = StatusPagesApiFixture.NewSlug();
        await fixture.CreatePageAsync(client, [], isPublic: true, slug);

        (await fixture.Http.PostJsonAsync("/status-pages", new { client_id = other, slug, title = "t" })).AssertFeathersError(409, "Conflict");
        foreach (var body in new object[]
        {
            new { client_id = client, slug = StatusPagesApiFixture.NewSlug() },
            new { client_id = client, slug = StatusPagesApiFixture.NewSlug(), title = new string('x', 201) },
            new { client_id = client, slug = StatusPagesApiFixture.NewSlug(), title = "t", description = new string('x', 2001) },
            new { client_id = client, slug = StatusPagesApiFixture.NewSlug(), title = "t", service_ids = new[] { foreign } },
            new { client_id = client, slug = StatusPagesApiFixture.NewSlug(), title = "t", @public = "yes" },
            new { client_id = client, slug = StatusPagesApiFixture.NewSlug(), title = "t", colour = "red" },
            new { client_id = 987654321L, slug = StatusPagesApiFixture.NewSlug(), title = "t" },
        })
        {
            (await fixture.Http.PostJsonAsync("/status-pages", body)).AssertFeathersError(400, "BadRequest");
        }

        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM status_pages WHERE client_id = ANY($1)", new[] { client, other }));
    }

    [Fact]
    public async Task A_page_that_is_not_public_is_a_404_without_a_key_of_its_client_and_opens_with_one()
    {
        var client = await fixture.Http.CreateClientAsync();
        var service = await fixture.CreateServiceAsync(client);
        var hidden = (await fixture.CreatePageAsync(client, [service], isPublic: false)).GetProperty("slug").GetString()!;
        var open = (await fixture.CreatePageAsync(client, [service], isPublic: true)).GetProperty("slug").GetString()!;
        using var scoped = fixture.Fleet.Http(key: StatusPagesApiFixture.ScopedKey);

        foreach (var path in new[] { $"/status/{hidden}", $"/status/{hidden}.json", "/status/no-such-page", "/status/no-such-page.json" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await fixture.Anonymous.GetAsync(path)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await fixture.Anonymous.GetAsync($"{path}?access_token=wrong-key")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await scoped.GetAsync(path)).StatusCode);
        }

        (await fixture.Anonymous.GetJsonAsync($"/status/{hidden}.json")).AssertFeathersError(404, "NotFound");
        Assert.Equal(HttpStatusCode.OK, (await fixture.Http.GetAsync($"/status/{hidden}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Anonymous.GetAsync($"/status/{hidden}.json?access_token={InProcessFleet.AdminKey}")).StatusCode);
        var page = await fixture.Anonymous.GetAsync($"/status/{hidden}?access_token={InProcessFleet.AdminKey}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.True(page.Headers.CacheControl is { Private: true, NoStore: true }, $"{page.Headers.CacheControl}");

        var openPage = await fixture.Anonymous.GetAsync($"/status/{open}");
        Assert.Equal(HttpStatusCode.OK, openPage.StatusCode);
        Assert.Equal("text/html", openPage.Content.Headers.ContentType!.MediaType);
        Assert.True(openPage.Headers.CacheControl is { Public: true }, $"{openPage.Headers.CacheControl}");
        Assert.Equal(HttpStatusCode.OK, (await fixture.Anonymous.GetAsync($"/status/{open}.json")).StatusCode);

        // A key of the page's own client opens it.
        var ownService = await fixture.CreateServiceAsync(fixture.ScopedClientId);
        var own = (await fixture.CreatePageAsync(fixture.ScopedClientId, [ownService], isPublic: false)).GetProperty("slug").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await scoped.GetAsync($"/status/{own}.json")).StatusCode);
        Assert.Equal(0L, (await scoped.GetJsonAsync($"/status-pages?slug={hidden}")).Body.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task The_json_twin_gives_each_service_its_state_days_uptime_and_incidents_in_page_order()
    {
        var client = await fixture.Http.CreateClientAsync();
        var healthy = await fixture.CreateServiceAsync(client, name: "Web");
        var failing = await fixture.CreateServiceAsync(client, name: "API");
        var fresh = await fixture.CreateServiceAsync(client, name: "New");
        await fixture.CheckAsync(healthy, healthy: true, count: 3);
        await fixture.CheckAsync(failing, healthy: true, count: 1);
        await fixture.CheckAsync(failing, healthy: false, count: 1);
        var slug = (await fixture.CreatePageAsync(client, [failing, healthy, fresh], isPublic: true, title: "Acme")).GetProperty("slug").GetString()!;

        var (status, body) = await fixture.Anonymous.GetJsonAsync($"/status/{slug}.json");
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.Equal("Acme", body.GetProperty("title").GetString());
        Assert.Equal("partial_outage", body.GetProperty("state").GetString());
        Assert.Equal("Partial outage", body.GetProperty("state_text").GetString());
        var services = body.GetProperty("services").EnumerateArray().ToArray();
        Assert.Equal([failing, healthy, fresh], services.Select(s => s.GetProperty("id").GetInt64()));
        Assert.Equal(["down", "up", "unknown"], services.Select(s => s.GetProperty("status").GetString()));
        Assert.Equal(["API", "Web", "New"], services.Select(s => s.GetProperty("name").GetString()));

        var today = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var service in services)
        {
            var days = service.GetProperty("days").EnumerateArray().ToArray();
            Assert.Equal(90, days.Length);
            Assert.Equal(today, days[^1].GetProperty("date").GetString());
            Assert.All(days[..^1], d => Assert.Equal(JsonValueKind.Null, d.GetProperty("uptime_percentage").ValueKind));
        }

        Assert.Equal(50.0, services[0].GetProperty("days")[89].GetProperty("uptime_percentage").GetDouble());
        Assert.Equal($"{today}: 50.00 %", services[0].GetProperty("days")[89].GetProperty("tooltip").GetString());
        Assert.Equal(50.0, services[0].GetProperty("uptime_percentage").GetDouble());
        Assert.Equal(100.0, services[1].GetProperty("uptime_percentage").GetDouble());
        Assert.Equal(JsonValueKind.Null, services[2].GetProperty("uptime_percentage").ValueKind);
        Assert.Equal($"{today}: no data", services[2].GetProperty("days")[89].GetProperty("tooltip").GetString());

        var open = Assert.Single(services[0].GetProperty("open_incidents").EnumerateArray());
        var incident = Assert.Single(await IncidentsAsync(failing));
        Assert.Equal(incident.GetProperty("id").GetInt64(), open.GetProperty("id").GetInt64());
        Assert.Equal(incident.GetProperty("started_at").GetString(), open.GetProperty("started_at").GetString());
        Assert.Empty(services[1].GetProperty("open_incidents").EnumerateArray());

        // Recovery resolves the incident: it moves to the last 14 days with its duration; everything up again.
        await fixture.CheckAsync(failing, healthy: true);
        await Eventually.IsTrueAsync(async () => (await fixture.Anonymous.GetJsonAsync($"/status/{slug}.json")).Body.GetProperty("services")[0].GetProperty("status").GetString() == "up",
            TimeSpan.FromSeconds(6), "the page to show the recovery within its cache time");
        (_, body) = await fixture.Anonymous.GetJsonAsync($"/status/{slug}.json");
        services = body.GetProperty("services").EnumerateArray().ToArray();
        Assert.Equal("operational", body.GetProperty("state").GetString());
        Assert.Empty(services[0].GetProperty("open_incidents").EnumerateArray());
        var resolved = Assert.Single(services[0].GetProperty("recent_incidents").EnumerateArray());
        var stored = Assert.Single(await IncidentsAsync(failing));
        Assert.Equal(stored.GetProperty("duration_ms").GetInt64(), resolved.GetProperty("duration_ms").GetInt64());
    }

    [Fact]
    public async Task The_overall_state_follows_the_contract_for_all_down_and_for_maintenance()
    {
        var client = await fixture.Http.CreateClientAsync();
        var a = await fixture.CreateServiceAsync(client);
        var b = await fixture.CreateServiceAsync(client);
        var slug = (await fixture.CreatePageAsync(client, [a, b], isPublic: true)).GetProperty("slug").GetString()!;
        await fixture.CheckAsync(a, healthy: true);
        await fixture.CheckAsync(b, healthy: true);
        await ExpectStateAsync(slug, "operational");

        await fixture.CheckAsync(a, healthy: false);
        await fixture.CheckAsync(b, healthy: false);
        await ExpectStateAsync(slug, "major_outage");

        var (created, window) = await fixture.Http.PostJsonAsync("/maintenance-windows", new
        {
            client_id = client, name = "move", starts_at = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O"), ends_at = DateTimeOffset.UtcNow.AddHours(1).ToString("O"),
        });
        Assert.True(created == HttpStatusCode.Created, window.ToString());
        await ExpectStateAsync(slug, "maintenance");
        var (_, body) = await fixture.Anonymous.GetJsonAsync($"/status/{slug}.json");
        Assert.Equal("Under maintenance", body.GetProperty("state_text").GetString());
        Assert.All(body.GetProperty("services").EnumerateArray(), s => Assert.Equal("maintenance", s.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task A_removed_service_leaves_the_pages_that_showed_it()
    {
        var client = await fixture.Http.CreateClientAsync();
        var kept = await fixture.CreateServiceAsync(client);
        var removed = await fixture.CreateServiceAsync(client);
        var page = await fixture.CreatePageAsync(client, [removed, kept], isPublic: true);
        await using var listener = await FeedListener.ConnectAsync(fixture.Fleet.GatewayUrl(), InProcessFleet.AdminKey);
        var patched = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        listener.Connection.On<JsonElement>("status-pages patched", record =>
        {
            if (record.GetProperty("id").GetInt64() == page.GetProperty("id").GetInt64())
            {
                patched.TrySetResult(record);
            }
        });
        Assert.Equal(HttpStatusCode.OK, (await fixture.Http.DeleteJsonAsync($"/client-services/{removed}")).Status);
        Assert.Equal([kept], (await patched.Task.WaitAsync(TimeSpan.FromSeconds(10))).GetProperty("service_ids").EnumerateArray().Select(e => e.GetInt64()));

        var (_, record) = await fixture.Http.GetJsonAsync($"/status-pages/{page.GetProperty("id").GetInt64()}");
        Assert.Equal([kept], record.GetProperty("service_ids").EnumerateArray().Select(e => e.GetInt64()));
        await Eventually.IsTrueAsync(
            async () => (await fixture.Anonymous.GetJsonAsync($"/status/{page.GetProperty("slug").GetString()}.json")).Body.GetProperty("services").GetArrayLength() == 1,
            TimeSpan.FromSeconds(6), "the page to drop the removed service");
    }

    [Fact]
    public async Task A_page_connects_to_the_hub_without_a_key_and_gets_its_services_events_only_without_internals()
    {
        var client = await fixture.Http.CreateClientAsync();
        var shown = await fixture.CreateServiceAsync(client);
        var notShown = await fixture.CreateServiceAsync(client);
        var slug = (await fixture.CreatePageAsync(client, [shown], isPublic: true)).GetProperty("slug").GetString()!;
        var hidden = (await fixture.CreatePageAsync(client, [shown], isPublic: false)).GetProperty("slug").GetString()!;

        // Without a key: only with a public page's slug.
        foreach (var query in new[] { string.Empty, $"?status_page={hidden}", "?status_page=no-such-page" })
        {
            var negotiate = await fixture.Anonymous.PostAsync($"/hub/negotiate?negotiateVersion=1{query.Replace('?', '&')}", null);
            Assert.Equal(HttpStatusCode.Unauthorized, negotiate.StatusCode);
        }

        var received = new List<(string Name, JsonElement Record)>();
        await using var connection = new HubConnectionBuilder().WithUrl($"{fixture.Fleet.GatewayUrl()}/hub?status_page={slug}").Build();
        foreach (var name in FeedListener.EventNames)
        {
            connection.On<JsonElement>(name, record => { lock (received) { received.Add((name, record)); } });
        }

        await connection.StartAsync();
        await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync("Subscribe", new { client_id = client }));

        await fixture.CheckAsync(notShown, healthy: false);
        await fixture.CheckAsync(shown, healthy: false);
        await Eventually.IsTrueAsync(() => { lock (received) { return Task.FromResult(received.Any(e => e.Name == "incidents created")); } },
            TimeSpan.FromSeconds(10), "the shown service's incident");

        lock (received)
        {
            Assert.Contains(received, e => e.Name == "service-status created");
            Assert.All(received, e => Assert.Equal(shown, e.Name == "client-services patched" ? e.Record.GetProperty("id").GetInt64() : e.Record.GetProperty("service_id").GetInt64()));
            var result = received.First(e => e.Name == "service-status created").Record;
            Assert.Equal("down", result.GetProperty("status").GetString());
            foreach (var internals in new[] { "error", "details", "status_code", "endpoint_url", "first_error", "last_error", "client_id" })
            {
                Assert.All(received, e => Assert.False(e.Record.TryGetProperty(internals, out _), $"{e.Name} carried {internals}: {e.Record}"));
            }
        }
    }

    [Fact]
    public async Task Visitors_share_one_gathering_until_a_shown_service_changes()
    {
        var client = await fixture.Http.CreateClientAsync();
        var shown = await fixture.CreateServiceAsync(client);
        var other = await fixture.CreateServiceAsync(client);
        var slug = (await fixture.CreatePageAsync(client, [shown], isPublic: true)).GetProperty("slug").GetString()!;

        // Ten visitors at once, and again a moment later: one gathering answers them all.
        var first = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => GeneratedAtAsync(slug)));
        Assert.Single(first.Distinct());
        await fixture.CheckAsync(other, healthy: false);
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        Assert.Equal(first[0], await GeneratedAtAsync(slug));

        // A result of a shown service: a visitor a second after the gathering gets a new one, with the result (the
        // event reaches the gateway a moment after the check's answer; without it the entry would last 5 s).
        await fixture.CheckAsync(shown, healthy: false);
        await Eventually.IsTrueAsync(
            async () => (await fixture.Anonymous.GetJsonAsync($"/status/{slug}.json")).Body is var body
                && body.GetProperty("generated_at").GetString() != first[0] && body.GetProperty("services")[0].GetProperty("status").GetString() == "down",
            TimeSpan.FromSeconds(2), "a new gathering with the result, well before the 5 s cache time");
    }

    [Fact]
    public async Task Keyless_page_connections_end_when_their_page_changes_and_reconnect_only_while_it_is_public()
    {
        var client = await fixture.Http.CreateClientAsync();
        var shown = await fixture.CreateServiceAsync(client);
        var page = await fixture.CreatePageAsync(client, [shown], isPublic: true);
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var connection = new HubConnectionBuilder().WithUrl($"{fixture.Fleet.GatewayUrl()}/hub?status_page={page.GetProperty("slug").GetString()}").Build();
        connection.Closed += error => { closed.TrySetResult(error); return Task.CompletedTask; };
        await connection.StartAsync();

        var (status, body) = await fixture.Http.PatchJsonAsync($"/status-pages/{page.GetProperty("id").GetInt64()}", new { @public = false });
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await Assert.ThrowsAnyAsync<Exception>(() => connection.StartAsync());
    }

    [Fact]
    public async Task A_disabled_service_shows_paused_and_does_not_make_an_outage()
    {
        var client = await fixture.Http.CreateClientAsync();
        var up = await fixture.CreateServiceAsync(client);
        var paused = await fixture.CreateServiceAsync(client);
        await fixture.CheckAsync(up, healthy: true);
        await fixture.CheckAsync(paused, healthy: false);
        var slug = (await fixture.CreatePageAsync(client, [up, paused], isPublic: true)).GetProperty("slug").GetString()!;
        await ExpectStateAsync(slug, "partial_outage");

        Assert.Equal(HttpStatusCode.OK, (await fixture.Http.PatchJsonAsync($"/client-services/{paused}", new { enabled = false })).Status);
        await ExpectStateAsync(slug, "operational");
        var (_, body) = await fixture.Anonymous.GetJsonAsync($"/status/{slug}.json");
        Assert.Equal("unknown", body.GetProperty("services")[1].GetProperty("status").GetString());
        Assert.Equal("Paused", body.GetProperty("services")[1].GetProperty("status_text").GetString());
    }

    [Fact]
    public async Task Strings_that_cannot_be_slugs_are_404s_and_401s_never_5xx_and_404s_are_not_cached()
    {
        foreach (var slug in new[] { "a%00b", "UPPER", "x", "%E2%80%AE", new string('a', 61), "a%2Fb" })
        {
            // A NUL anywhere in a request is refused before routing (400); anything else is the page that is not there.
            var expected = slug.Contains("%00", StringComparison.Ordinal) ? HttpStatusCode.BadRequest : HttpStatusCode.NotFound;
            var page = await fixture.Anonymous.GetAsync($"/status/{slug}");
            Assert.Equal(expected, page.StatusCode);
            Assert.True(expected != HttpStatusCode.NotFound || page.Headers.CacheControl is { NoStore: true }, $"{slug}: {page.Headers.CacheControl}");
            Assert.Equal(expected, (await fixture.Anonymous.GetAsync($"/status/{slug}.json")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Anonymous.PostAsync($"/hub/negotiate?negotiateVersion=1&status_page={slug}", null)).StatusCode);
        }
    }

    [Fact]
    public async Task An_open_incident_shows_however_many_resolved_ones_there_are()
    {
        var client = await fixture.Http.CreateClientAsync();
        var flapping = await fixture.CreateServiceAsync(client);
        var steady = await fixture.CreateServiceAsync(client);
        await fixture.CheckAsync(steady, healthy: false);
        Assert.Single(await IncidentsAsync(steady));

        // Thirty incidents of the flapping service, all newer than the steady service's open one.
        await fixture.Database.ExecuteAsync($"""
            INSERT INTO incidents (service_id, client_id, status, severity, started_at, confirmed_at, resolved_at, resolved_reason, bad_checks, last_checked_at)
            SELECT {flapping}, {client}, 'resolved', 'down', now() + make_interval(secs => i), now() + make_interval(secs => i),
                   now() + make_interval(secs => i + 1), 'recovered', 1, now() + make_interval(secs => i)
            FROM generate_series(1, 30) i
            """);
        var slug = (await fixture.CreatePageAsync(client, [flapping, steady], isPublic: true)).GetProperty("slug").GetString()!;

        var (_, body) = await fixture.Anonymous.GetJsonAsync($"/status/{slug}.json");
        Assert.Equal(20, body.GetProperty("services")[0].GetProperty("recent_incidents").GetArrayLength());
        Assert.Single(body.GetProperty("services")[1].GetProperty("open_incidents").EnumerateArray());
    }

    private async Task<string> GeneratedAtAsync(string slug)
    {
        var (status, body) = await fixture.Anonymous.GetJsonAsync($"/status/{slug}.json");
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body.GetProperty("generated_at").GetString()!;
    }

    [Fact]
    public async Task A_client_that_accepts_gzip_gets_the_same_page_compressed()
    {
        var client = await fixture.Http.CreateClientAsync();
        var service = await fixture.CreateServiceAsync(client);
        await fixture.CheckAsync(service, healthy: true);
        var slug = (await fixture.CreatePageAsync(client, [service], isPublic: true)).GetProperty("slug").GetString()!;

        foreach (var path in new[] { $"/status/{slug}", $"/status/{slug}.json" })
        {
            var plain = await fixture.Anonymous.GetByteArrayAsync(path);
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.AcceptEncoding.ParseAdd("gzip");
            using var response = await fixture.Anonymous.SendAsync(request);
            Assert.Equal(["gzip"], response.Content.Headers.ContentEncoding);
            var compressed = await response.Content.ReadAsByteArrayAsync();
            Assert.True(compressed.Length * 4 < plain.Length, $"{path}: {compressed.Length} of {plain.Length} bytes");
            await using var gzip = new System.IO.Compression.GZipStream(new MemoryStream(compressed), System.IO.Compression.CompressionMode.Decompress);
            using var inflated = new MemoryStream();
            await gzip.CopyToAsync(inflated);
            Assert.Equal(plain, inflated.ToArray());
        }
    }

    private async Task ExpectStateAsync(string slug, string state) =>
        await Eventually.IsTrueAsync(async () => (await fixture.Anonymous.GetJsonAsync($"/status/{slug}.json")).Body.GetProperty("state").GetString() == state,
            TimeSpan.FromSeconds(6), $"the page's state to be {state}");

    private async Task<JsonElement[]> IncidentsAsync(long serviceId)
    {
        var (status, body) = await fixture.Http.GetJsonAsync($"/incidents?service_id={serviceId}");
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body.GetProperty("data").EnumerateArray().ToArray();
    }
}
