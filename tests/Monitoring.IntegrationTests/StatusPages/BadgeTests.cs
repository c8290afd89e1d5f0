using System.Globalization;
using System.Net;
using System.Xml.Linq;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.StatusPages;

/// <summary>Badges through the real HTTP pipeline: open for public services only, cached for a minute, true to the stored results.</summary>
[Collection(StatusPagesApiCollection.Name)]
public sealed class BadgeTests(StatusPagesApiFixture fixture)
{
    private static readonly string[] Paths = ["status.svg", "uptime/24h.svg", "response-time/7d.svg"];

    [Fact]
    public async Task A_service_that_is_not_public_has_no_badges_and_neither_has_an_unknown_id()
    {
        var client = await fixture.Http.CreateClientAsync();
        var hidden = await fixture.CreateServiceAsync(client);
        await fixture.CheckAsync(hidden, healthy: true);

        foreach (var path in Paths)
        {
            foreach (var id in new[] { hidden.ToString(CultureInfo.InvariantCulture), "999999999", "abc", "-1" })
            {
                (await fixture.Anonymous.GetJsonAsync($"/badges/services/{id}/{path}")).AssertFeathersError(404, "NotFound");
            }

            // A key does not make a service public: badges are for embedding, where no key goes.
            (await fixture.Http.GetJsonAsync($"/badges/services/{hidden}/{path}")).AssertFeathersError(404, "NotFound");
        }
    }

    [Fact]
    public async Task A_public_service_shows_unknown_then_its_state_with_colour_title_and_a_minute_of_caching()
    {
        var client = await fixture.Http.CreateClientAsync();
        var service = await fixture.CreateServiceAsync(client, extra: new { @public = true }, name: "Billing <API> & co");

        var (status, svg, headers) = await BadgeAsync($"/badges/services/{service}/status.svg");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("image/svg+xml", headers.ContentType!.MediaType);
        Assert.Equal("Billing <API> & co status: unknown", Title(svg));
        Assert.Contains("#9f9f9f", svg, StringComparison.Ordinal);

        await fixture.CheckAsync(service, healthy: true);
        (_, svg, _) = await BadgeAsync($"/badges/services/{service}/status.svg");
        Assert.Equal("Billing <API> & co status: up", Title(svg));
        Assert.Contains("#4c1", svg, StringComparison.Ordinal);

        await fixture.CheckAsync(service, healthy: false);
        (_, svg, _) = await BadgeAsync($"/badges/services/{service}/status.svg");
        Assert.Equal("Billing <API> & co status: down", Title(svg));
        Assert.Contains("#e05d44", svg, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Uptime_and_response_time_badges_equal_sql_over_the_stored_results()
    {
        var client = await fixture.Http.CreateClientAsync();
        var service = await fixture.CreateServiceAsync(client, extra: new { @public = true });
        foreach (var period in new[] { "24h", "7d", "30d", "90d" })
        {
            Assert.Equal("no data", Message(await SvgAsync($"/badges/services/{service}/uptime/{period}.svg")));
            Assert.Equal("no data", Message(await SvgAsync($"/badges/services/{service}/response-time/{period}.svg")));
        }

        await fixture.CheckAsync(service, healthy: true, count: 2);
        await fixture.CheckAsync(service, healthy: false, count: 1);

        var up = await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM service_status WHERE service_id = $1 AND status <> 'down'", service);
        var total = await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM service_status WHERE service_id = $1", service);
        var average = await fixture.Database.ScalarAsync<double>("SELECT avg(response_time_ms)::float8 FROM service_status WHERE service_id = $1", service);
        Assert.Equal(3, total);
        var expectedUptime = (Math.Floor((double)up / total * 100 * 100) / 100).ToString("0.00", CultureInfo.InvariantCulture) + "%";
        var expectedResponse = Math.Round(average, MidpointRounding.AwayFromZero).ToString("0", CultureInfo.InvariantCulture) + " ms";
        foreach (var period in new[] { "24h", "7d", "30d", "90d" })
        {
            var uptime = await SvgAsync($"/badges/services/{service}/uptime/{period}.svg");
            Assert.Equal(expectedUptime, Message(uptime));
            Assert.Equal($"uptime {period}", Label(uptime));
            Assert.Equal(expectedResponse, Message(await SvgAsync($"/badges/services/{service}/response-time/{period}.svg")));
        }

        Assert.Equal("66.66%", expectedUptime);
    }

    [Fact]
    public async Task An_unknown_period_is_a_400_that_names_the_periods()
    {
        var client = await fixture.Http.CreateClientAsync();
        var service = await fixture.CreateServiceAsync(client, extra: new { @public = true });
        foreach (var path in new[] { "uptime/1y.svg", "response-time/24H.svg", "uptime/week.svg" })
        {
            var response = await fixture.Anonymous.GetJsonAsync($"/badges/services/{service}/{path}");
            response.AssertFeathersError(400, "BadRequest");
            Assert.Contains("24h, 7d, 30d or 90d", response.Body.GetProperty("message").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_open_maintenance_window_shows_as_maintenance()
    {
        var client = await fixture.Http.CreateClientAsync();
        var service = await fixture.CreateServiceAsync(client, extra: new { @public = true });
        await fixture.CheckAsync(service, healthy: true);
        var (created, window) = await fixture.Http.PostJsonAsync("/maintenance-windows", new
        {
            client_id = client, name = "upgrade", service_ids = new[] { service },
            starts_at = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O"), ends_at = DateTimeOffset.UtcNow.AddHours(1).ToString("O"),
        });
        Assert.True(created == HttpStatusCode.Created, window.ToString());

        var svg = await SvgAsync($"/badges/services/{service}/status.svg");
        Assert.Equal("maintenance", Message(svg));
        Assert.Contains("#007ec6", svg, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Making_a_service_public_is_a_field_like_the_others()
    {
        var client = await fixture.Http.CreateClientAsync();
        var service = await fixture.CreateServiceAsync(client);
        var (_, record) = await fixture.Http.GetJsonAsync($"/client-services/{service}");
        Assert.False(record.GetProperty("public").GetBoolean());

        (await fixture.Http.PatchJsonAsync($"/client-services/{service}", new { @public = "yes" })).AssertFeathersError(400, "BadRequest");
        var (status, patched) = await fixture.Http.PatchJsonAsync($"/client-services/{service}", new { @public = true });
        Assert.True(status == HttpStatusCode.OK, patched.ToString());
        Assert.True(patched.GetProperty("public").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await BadgeAsync($"/badges/services/{service}/status.svg")).Status);

        var (found, page) = await fixture.Http.GetJsonAsync($"/client-services?client_id={client}&public=true");
        Assert.True(found == HttpStatusCode.OK, page.ToString());
        Assert.Equal(service, Assert.Single(page.GetProperty("data").EnumerateArray()).GetProperty("id").GetInt64());
    }

    /// <summary>A badge fetched without a key; a badge served says it may be cached for a minute.</summary>
    private async Task<(HttpStatusCode Status, string Svg, System.Net.Http.Headers.HttpContentHeaders Headers)> BadgeAsync(string path)
    {
        var response = await fixture.Anonymous.GetAsync(path);
        var svg = await response.Content.ReadAsStringAsync();
        if (response.IsSuccessStatusCode)
        {
            Assert.True(response.Headers.CacheControl is { Public: true, MaxAge.TotalSeconds: 60 }, $"Cache-Control: {response.Headers.CacheControl}");
        }

        return (response.StatusCode, svg, response.Content.Headers);
    }

    private async Task<string> SvgAsync(string path)
    {
        var (status, svg, _) = await BadgeAsync(path);
        Assert.True(status == HttpStatusCode.OK, svg);
        return svg;
    }

    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static string Title(string svg) => XDocument.Parse(svg).Root!.Element(Svg + "title")!.Value;

    /// <summary>The texts drawn (each twice, shadow and text): label then message.</summary>
    private static string[] Texts(string svg) => XDocument.Parse(svg).Descendants(Svg + "text").Select(t => t.Value).Where((_, i) => i % 2 == 1).ToArray();

    private static string Label(string svg) => Texts(svg)[0];

    private static string Message(string svg) => Texts(svg)[1];
}
