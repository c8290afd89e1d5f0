using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Feed;

/// <summary>Two silos and two gateways on one database: the smallest fleet where events must cross hosts.</summary>
public sealed class FeedFixture : IAsyncLifetime
{
    public const string ScopedKey = "feed-key-of-client-1";

    public TestDatabase Database { get; private set; } = null!;

    public InProcessFleet Fleet { get; private set; } = null!;

    public TargetServer Target { get; private set; } = null!;

    public long ScopedClient { get; private set; }

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        Target = await TargetServer.StartAsync();
        Fleet = await InProcessFleet.StartAsync(Database, silos: 2, gateways: 2, settings: new Dictionary<string, string?>
        {
            ["API_KEYS"] = $"{InProcessFleet.AdminKey},{ScopedKey}:1",
            ["Feed:ConnectionQueueCapacity"] = "32",
        });
        using var http = Fleet.Http();
        ScopedClient = await http.CreateClientAsync("scoped client");
        Assert.Equal(1, ScopedClient);
    }

    /// <summary>Connects to a gateway and waits until events flow to it (gateways join the feed within seconds).</summary>
    public async Task<FeedListener> ListenAsync(int gateway, string key = InProcessFleet.AdminKey)
    {
        var listener = await FeedListener.ConnectAsync(Fleet.GatewayUrl(gateway), key);
        using var http = Fleet.Http();
        await Eventually.IsTrueAsync(async () =>
        {
            var probe = Guid.NewGuid().ToString("N");
            await http.PatchJsonAsync($"/clients/{ScopedClient}", new { description = probe });
            await Task.Delay(300);
            return listener.Named("clients patched").Any(c => c.GetProperty("description").GetString() == probe);
        }, TimeSpan.FromSeconds(30), $"events to reach gateway {gateway}");
        return listener;
    }

    public async Task DisposeAsync()
    {
        await Fleet.DisposeAsync();
        await Target.DisposeAsync();
        await Database.DisposeAsync();
    }
}
