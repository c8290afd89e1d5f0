using System.Net;
using Monitoring.IntegrationTests.Feed;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.StatusPages;

/// <summary>
/// One PostgreSQL database, one silo, one gateway and a target server for the status-page tests; each test makes its
/// own client, services and page through the API. Ready once the gateway receives the live feed (a page's live
/// updates come through it).
/// </summary>
public sealed class StatusPageFixture : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = null!;

    public InProcessFleet Fleet { get; private set; } = null!;

    public TargetServer Target { get; private set; } = null!;

    /// <summary>A client with the admin key.</summary>
    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        Target = await TargetServer.StartAsync();
        Fleet = await InProcessFleet.StartAsync(Database);
        Http = Fleet.Http();

        // The gateway joins the feed within seconds of starting: until then a page would miss the changes it shows.
        await using var listener = await FeedListener.ConnectAsync(Fleet.GatewayUrl(), InProcessFleet.AdminKey);
        var client = await Http.CreateClientAsync("feed probe");
        await Eventually.IsTrueAsync(async () =>
        {
            var probe = Guid.NewGuid().ToString("N");
            await Http.PatchJsonAsync($"/clients/{client}", new { description = probe });
            await Task.Delay(300);
            return listener.Named("clients patched").Any(c => c.GetProperty("description").GetString() == probe);
        }, TimeSpan.FromSeconds(30), "events to reach the gateway's feed");
    }

    /// <summary>
    /// Makes a client with the services given (on a yearly cron, so only the checks run here make results; a disabled
    /// service would show as paused), runs one
    /// check of each, and a public status page of them in that order. Answers the page's slug and the services' ids.
    /// </summary>
    public async Task<(string Slug, long[] ServiceIds)> CreatePageAsync(string title, string? description, params (string Name, string Url)[] services)
    {
        var client = await Http.CreateClientAsync();
        var ids = new List<long>();
        foreach (var (name, url) in services)
        {
            var id = (await Http.CreateServiceAsync(client, url, new { name, cron_schedule = "0 0 1 1 *" })).GetProperty("id").GetInt64();
            await CheckAsync(id);
            ids.Add(id);
        }

        var slug = $"t-{Guid.NewGuid():N}"[..20];
        var (status, body) = await Http.PostJsonAsync("/status-pages", new
        {
            client_id = client,
            slug,
            title,
            description,
            service_ids = ids,
            @public = true,
        });
        Assert.True(status == HttpStatusCode.Created, $"POST /status-pages answered {(int)status}: {body}");
        Assert.True(body.TryGetProperty("id", out _), $"POST /status-pages answered no id: {body}");
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

    /// <summary>The page's address, opened without a key (the pages made here are public).</summary>
    public string PageUrl(string slug) => $"{Fleet.GatewayUrl()}/status/{slug}";

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Fleet.DisposeAsync();
        await Target.DisposeAsync();
        await Database.DisposeAsync();
    }
}
