using System.Net;
using System.Text.Json;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Api;

/// <summary>The Feathers query syntax over real rows: every operator, sorting, selection and pagination edges.</summary>
[Collection(ApiCollection.Name)]
public sealed class QueryApiTests(ApiFixture fixture) : IAsyncLifetime
{
    private readonly HttpClient http = fixture.Http;
    private long client;
    private long up;
    private long down;
    private long degraded;

    public async Task InitializeAsync()
    {
        client = await http.CreateClientAsync();
        up = (await http.CreateServiceAsync(client, fixture.Target.Reply(200, "{\"status\":\"ok\"}"), new { enabled = false, name = "alpha" })).GetProperty("id").GetInt64();
        down = (await http.CreateServiceAsync(client, fixture.Target.Reply(503), new { enabled = false, name = "beta" })).GetProperty("id").GetInt64();
        degraded = (await http.CreateServiceAsync(client, fixture.Target.Reply(429), new { enabled = false, name = "gamma", basic_auth_username = "u" })).GetProperty("id").GetInt64();
        foreach (var id in new[] { up, up, down, degraded, up })
        {
            Assert.Equal(HttpStatusCode.Created, (await http.PostJsonAsync($"/client-services/{id}/check", null)).Status);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("status=up", 3)]
    [InlineData("status=down", 1)]
    [InlineData("status[$ne]=up", 2)]
    [InlineData("status[$in][]=down&status[$in][]=degraded", 2)]
    [InlineData("status[$in][0]=down&status[$in][1]=degraded", 2)]
    [InlineData("status[$nin][]=up", 2)]
    [InlineData("status_code=503", 1)]
    [InlineData("status_code[$gte]=429", 2)]
    [InlineData("status_code[$gt]=429", 1)]
    [InlineData("status_code[$lt]=429", 3)]
    [InlineData("status_code[$lte]=429", 4)]
    [InlineData("error=", 3)]
    [InlineData("error[$ne]=", 2)]
    [InlineData("trigger=manual", 5)]
    [InlineData("$or[0][status]=down&$or[1][status]=degraded", 2)]
    [InlineData("$or[0][status]=down&$or[1][status_code]=200", 4)]
    [InlineData("$and[0][status]=up&$and[1][status_code]=200", 3)]
    public async Task Filters_on_service_status(string filter, int expected)
    {
        var (status, body) = await http.GetJsonAsync($"/service-status?client_id={client}&{filter}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(expected, body.GetProperty("total").GetInt32());
        Assert.Equal(expected, body.GetProperty("data").GetArrayLength());
    }

    [Theory]
    [InlineData("name[$like]=al%25", 1)]
    [InlineData("name[$ilike]=AL%25", 1)]
    [InlineData("name[$notlike]=al%25", 2)]
    [InlineData("name[$like]=%25a", 3)]
    public async Task Text_patterns_as_feathers_knex_offers_them(string filter, int expected)
    {
        var (status, body) = await http.GetJsonAsync($"/client-services?client_id={client}&{filter}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(expected, body.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Time_ranges_use_the_exact_times_the_api_returned()
    {
        var (_, all) = await http.GetJsonAsync($"/service-status?client_id={client}&$sort[checked_at]=1");
        var times = all.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("checked_at").GetString()!).ToList();

        var (_, from) = await http.GetJsonAsync($"/service-status?client_id={client}&checked_at[$gte]={times[1]}");
        var (_, before) = await http.GetJsonAsync($"/service-status?client_id={client}&checked_at[$lt]={times[1]}");
        var (_, exact) = await http.GetJsonAsync($"/service-status?client_id={client}&checked_at={times[2]}");

        // Two checks may share a millisecond: count what the filters must match from the times themselves.
        Assert.Equal(times.Count(t => string.CompareOrdinal(t, times[1]) >= 0), from.GetProperty("total").GetInt32());
        Assert.Equal(times.Count(t => string.CompareOrdinal(t, times[1]) < 0), before.GetProperty("total").GetInt32());
        Assert.Equal(times.Count(t => t == times[2]), exact.GetProperty("total").GetInt32());
        Assert.Equal(5, from.GetProperty("total").GetInt32() + before.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Sorting_and_selection()
    {
        var (_, byName) = await http.GetJsonAsync($"/client-services?client_id={client}&$sort[name]=-1&$select[]=name");
        var (_, statuses) = await http.GetJsonAsync($"/service-status?client_id={client}&$sort[status]=1&$sort[checked_at]=-1&$select[0]=status&$select[1]=service_id");

        Assert.Equal(["gamma", "beta", "alpha"], byName.GetProperty("data").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        var first = byName.GetProperty("data")[0];
        Assert.Equal(["id", "name"], first.EnumerateObject().Select(p => p.Name).Order());
        var names = statuses.GetProperty("data").EnumerateArray().Select(s => s.GetProperty("status").GetString()).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.Equal(["id", "service_id", "status"], statuses.GetProperty("data")[0].EnumerateObject().Select(p => p.Name).Order());
    }

    [Fact]
    public async Task Services_filter_on_their_latest_result()
    {
        var (_, healthy) = await http.GetJsonAsync($"/client-services?client_id={client}&last_status=up");
        var (_, notUp) = await http.GetJsonAsync($"/client-services?client_id={client}&last_status[$ne]=up&$sort[last_response_time_ms]=1");
        var (_, withUser) = await http.GetJsonAsync($"/client-services?client_id={client}&basic_auth_username[$ne]=");
        var (_, disabled) = await http.GetJsonAsync($"/client-services?client_id={client}&enabled=false&has_basic_auth_password=false");

        Assert.Equal([up], healthy.GetProperty("data").EnumerateArray().Select(s => s.GetProperty("id").GetInt64()));
        Assert.Equal(2, notUp.GetProperty("total").GetInt32());
        Assert.Equal([degraded], withUser.GetProperty("data").EnumerateArray().Select(s => s.GetProperty("id").GetInt64()));
        Assert.Equal(3, disabled.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Pagination_defaults_clamps_and_edges()
    {
        var owner = await http.CreateClientAsync();
        var id = (await http.CreateServiceAsync(owner, fixture.Target.Reply(200), new { enabled = false })).GetProperty("id").GetInt64();
        await Task.WhenAll(Enumerable.Range(0, 110).Select(_ => http.PostJsonAsync($"/client-services/{id}/check", null)));

        var (_, defaults) = await http.GetJsonAsync($"/service-status?service_id={id}");
        var (_, clamped) = await http.GetJsonAsync($"/service-status?service_id={id}&$limit=500");
        var (_, huge) = await http.GetJsonAsync($"/service-status?service_id={id}&$limit=99999999999999999999");
        var (_, countOnly) = await http.GetJsonAsync($"/service-status?service_id={id}&$limit=0");
        var (_, last) = await http.GetJsonAsync($"/service-status?service_id={id}&$limit=30&$skip=100");
        var (_, beyond) = await http.GetJsonAsync($"/service-status?service_id={id}&$skip=1000");
        var (_, page1) = await http.GetJsonAsync($"/service-status?service_id={id}&$limit=60");
        var (_, page2) = await http.GetJsonAsync($"/service-status?service_id={id}&$limit=60&$skip=60");

        Assert.Equal((110, 50, 0, 50), Page(defaults));
        Assert.Equal((110, 100, 0, 100), Page(clamped));
        Assert.Equal((110, 100, 0, 100), Page(huge));
        Assert.Equal((110, 0, 0, 0), Page(countOnly));
        Assert.Equal((110, 30, 100, 10), Page(last));
        Assert.Equal((110, 50, 1000, 0), Page(beyond));
        var ids = page1.GetProperty("data").EnumerateArray().Concat(page2.GetProperty("data").EnumerateArray()).Select(r => r.GetProperty("id").GetInt64()).ToList();
        Assert.Equal(110, ids.Distinct().Count());
    }

    [Fact]
    public async Task A_services_first_page_from_its_grain_equals_the_same_find_through_sql()
    {
        // Arrange: more results than the grain keeps at each end (100).
        var owner = await http.CreateClientAsync();
        var id = (await http.CreateServiceAsync(owner, fixture.Target.Reply(200), new { enabled = false })).GetProperty("id").GetInt64();
        await Task.WhenAll(Enumerable.Range(0, 120).Select(_ => http.PostJsonAsync($"/client-services/{id}/check", null)));
        string[] shapes = ["", "&$sort[checked_at]=-1", "&$sort[checked_at]=1", "&$limit=7", "&$limit=7&$sort[checked_at]=-1", "&$limit=0", "&$limit=100&$sort[checked_at]=-1"];

        // Act and assert: each shape as the grain answers it (service_id alone) and as SQL does (client_id added, which
        // changes no row); then again after more checks, which the grain's kept page must show at once.
        for (var round = 0; round < 2; round++)
        {
            foreach (var shape in shapes)
            {
                var (grainStatus, fromGrain) = await http.GetJsonAsync($"/service-status?service_id={id}{shape}");
                var (sqlStatus, fromSql) = await http.GetJsonAsync($"/service-status?service_id={id}&client_id={owner}{shape}");
                Assert.Equal(HttpStatusCode.OK, grainStatus);
                Assert.Equal(HttpStatusCode.OK, sqlStatus);
                Assert.Equal(Page(fromSql), Page(fromGrain));
                Assert.Equal(Rows(fromSql), Rows(fromGrain));
            }

            await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => http.PostJsonAsync($"/client-services/{id}/check", null)));
        }

        var (_, newest) = await http.GetJsonAsync($"/service-status?service_id={id}&$sort[checked_at]=-1&$limit=1");
        Assert.Equal(126, newest.GetProperty("total").GetInt32());

        // Asked again with nothing new, the gateway writes the page it holds: the same bytes.
        var first = await http.GetStringAsync($"/service-status?service_id={id}&$sort[checked_at]=-1&$limit=5");
        var again = await http.GetStringAsync($"/service-status?service_id={id}&$sort[checked_at]=-1&$limit=5");
        Assert.Equal(first, again);
        Assert.Contains("\"total\":126", again, StringComparison.Ordinal);

        static List<string> Rows(JsonElement page) => page.GetProperty("data").EnumerateArray()
            .Select(r => string.Join('|', r.GetProperty("id"), r.GetProperty("checked_at"), r.GetProperty("status"), r.GetProperty("response_time_ms"), r.GetProperty("trigger")))
            .ToList();
    }

    [Theory]
    [InlineData("nope=1", "nope")]
    [InlineData("status[$foo]=up", "status")]
    [InlineData("$foo=1", "$foo")]
    [InlineData("status_code=abc", "status_code")]
    [InlineData("checked_at[$gt]=yesterday", "checked_at")]
    [InlineData("status=sideways", "status")]
    [InlineData("$limit=-1", "$limit")]
    [InlineData("$limit=ten", "$limit")]
    [InlineData("$skip=-5", "$skip")]
    [InlineData("$sort[nope]=1", "nope")]
    [InlineData("$sort[status]=up", "status")]
    [InlineData("$select[]=nope", "$select")]
    [InlineData("details=x", "details")]
    [InlineData("$or=1", "$or")]
    [InlineData("status[$lt]=", "status")]
    public async Task A_bad_filter_is_a_400_that_names_it(string query, string field)
    {
        var response = await http.GetJsonAsync($"/service-status?{query}");

        response.AssertFeathersError(400, "BadRequest");
        Assert.True(response.Body.GetProperty("errors").TryGetProperty(field, out _), response.Body.ToString());
    }

    [Fact]
    public async Task Unknown_fields_are_refused_on_every_resource_and_the_password_cannot_be_probed()
    {
        (await http.GetJsonAsync("/clients?secret=1")).AssertFeathersError(400, "BadRequest");
        (await http.GetJsonAsync("/client-services?basic_auth_password=x")).AssertFeathersError(400, "BadRequest");
        (await http.GetJsonAsync("/client-services?next_check_at[$gt]=2020-01-01T00:00:00Z")).AssertFeathersError(400, "BadRequest");
    }

    private static (int Total, int Limit, int Skip, int Count) Page(JsonElement page) => (
        page.GetProperty("total").GetInt32(),
        page.GetProperty("limit").GetInt32(),
        page.GetProperty("skip").GetInt32(),
        page.GetProperty("data").GetArrayLength());
}
