using System.Net;
using System.Text.Json;
using Monitoring.IntegrationTests.Feed;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.StatusPages;

/// <summary>
/// One database, one silo and gateway and a target, shared by the badge, status page API and browser tests. Each test
/// makes its own client (and slugs of its own), so tests do not see each other's rows. Ready once the gateway receives
/// the live feed (a page's live updates and its cache's freshness come through it).
/// </summary>
public sealed class StatusPagesApiFixture : IAsyncLifetime
{
    /// <summary>A cron that does not fire during a test: checks are made by POST /check.</summary>
    public const string Yearly = "0 0 1 1 *";

    /// <summary>An API key scoped to <see cref="ScopedClientId"/>.</summary>
    public const string ScopedKey = "pages-scoped-key";

    public TestDatabase Database { get; private set; } = null!;

    public InProcessFleet Fleet { get; private set; } = null!;

    public TargetServer Target { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    /// <summary>A client without a key, as a visitor of a public page or a README's badge.</summary>
    public HttpClient Anonymous { get; private set; } = null!;

    public long ScopedClientId { get; private set; }

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        Target = await TargetServer.StartAsync();
        Fleet = await InProcessFleet.StartAsync(Database, settings: new Dictionary<string, string?>
        {
            ["API_KEYS"] = $"{InProcessFleet.AdminKey}, {ScopedKey}:1",
        });
        Http = Fleet.Http();
        Anonymous = Fleet.Http(key: null);

        // The database is new: the first client gets id 1, the one ScopedKey names.
        ScopedClientId = await Http.CreateClientAsync("scoped client");
        Assert.Equal(1, ScopedClientId);

        // The gateway joins the feed within seconds of starting: until then a page would miss the changes it shows.
        await using var listener = await FeedListener.ConnectAsync(Fleet.GatewayUrl(), InProcessFleet.AdminKey);
        await Eventually.IsTrueAsync(async () =>
        {
            var probe = Guid.NewGuid().ToString("N");
            await Http.PatchJsonAsync($"/clients/{ScopedClientId}", new { description = probe });
            await Task.Delay(300);
            return listener.Named("clients patched").Any(c => c.GetProperty("description").GetString() == probe);
        }, TimeSpan.FromSeconds(30), "events to reach the gateway's feed");
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        Anonymous.Dispose();
        await Fleet.DisposeAsync();
        await Target.DisposeAsync();
        await Database.DisposeAsync();
    }

    /// <summary>A service of <paramref name="clientId"/> checked only on demand, healthy (200) or failing (503).</summary>
    public async Task<long> CreateServiceAsync(long clientId, bool healthy = true, object? extra = null, string? name = null)
    {
        var fields = new Dictionary<string, object?> { ["cron_schedule"] = Yearly, ["name"] = name ?? "svc", ["failure_threshold"] = 1, ["success_threshold"] = 1 };
        if (extra is not null)
        {
            foreach (var property in JsonSerializer.SerializeToElement(extra).EnumerateObject())
            {
                fields[property.Name] = property.Value;
            }
        }

        return (await Http.CreateServiceAsync(clientId, Answer(healthy), fields)).GetProperty("id").GetInt64();
    }

    public string Answer(bool healthy) => healthy ? Target.Reply(200, "{\"status\":\"ok\"}") : Target.Reply(503, "{\"status\":\"down\"}");

    /// <summary>Points the service at a healthy or failing answer and checks it <paramref name="count"/> times.</summary>
    public async Task CheckAsync(long serviceId, bool healthy, int count = 1)
    {
        await RetargetAsync(serviceId, Answer(healthy));
        for (var i = 0; i < count; i++)
        {
            await CheckAsync(serviceId);
        }
    }

    /// <summary>Creates a status page; answers its record.</summary>
    public async Task<JsonElement> CreatePageAsync(long clientId, long[] serviceIds, bool isPublic, string? slug = null, string title = "Status")
    {
        var (status, body) = await Http.PostJsonAsync("/status-pages", new
        {
            client_id = clientId, slug = slug ?? NewSlug(), title, description = "What our customers see", service_ids = serviceIds, @public = isPublic,
        });
        Assert.True(status == HttpStatusCode.Created, body.ToString());
        return body;
    }

    public static string NewSlug() => $"page-{Guid.NewGuid():N}"[..20];

    /// <summary>
    /// Makes a client with the services given (on a yearly cron, so only the checks run here make results; a disabled
    /// service would show as paused), runs one check of each, and a public status page of them in that order. Answers
    /// the page's slug and the services' ids.
    /// </summary>
    public async Task<(string Slug, long[] ServiceIds)> CreatePageAsync(string title, string? description, params (string Name, string Url)[] services)
    {
        var client = await Http.CreateClientAsync();
        var ids = new List<long>();
        foreach (var (name, url) in services)
        {
            var id = (await Http.CreateServiceAsync(client, url, new { name, cron_schedule = Yearly })).GetProperty("id").GetInt64();
            await CheckAsync(id);
            ids.Add(id);
        }

        var slug = NewSlug();
        var (status, body) = await Http.PostJsonAsync("/status-pages", new { client_id = client, slug, title, description, service_ids = ids, @public = true });
        Assert.True(status == HttpStatusCode.Created, $"POST /status-pages answered {(int)status}: {body}");
        return (slug, [.. ids]);
    }

    /// <summary>Runs a check of the service now (POST /client-services/{id}/check) and answers its status.</summary>
    public async Task<string> CheckAsync(long service)
    {
        var (status, record) = await Http.PostJsonAsync($"/client-services/{service}/check", null);
        Assert.True(status == HttpStatusCode.Created, $"POST /client-services/{service}/check answered {(int)status}: {record}");
        return record.GetProperty("status").GetString()!;
    }

    /// <summary>Points the service at another URL.</summary>
    public async Task RetargetAsync(long service, string url)
    {
        var (status, body) = await Http.PatchJsonAsync($"/client-services/{service}", new { endpoint_url = url });
        Assert.True(status == HttpStatusCode.OK, $"PATCH /client-services/{service} answered {(int)status}: {body}");
    }

    /// <summary>The page's address, opened without a key (the pages made by <see cref="CreatePageAsync(string, string?, ValueTuple{string, string}[])"/> are public).</summary>
    public string PageUrl(string slug) => $"{Fleet.GatewayUrl()}/status/{slug}";
}

[CollectionDefinition(Name)]
public sealed class StatusPagesApiCollection : ICollectionFixture<StatusPagesApiFixture>
{
    public const string Name = "status-pages-api";
}
