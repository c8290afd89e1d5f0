using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Feed;

/// <summary>A .NET SignalR client on a gateway's /hub that keeps every feed event it receives, in order.</summary>
public sealed class FeedListener : IAsyncDisposable
{
    public static readonly string[] EventNames =
    [
        "clients created", "clients patched", "clients removed",
        "client-services created", "client-services patched", "client-services removed", "service-status created",
        "incidents created", "incidents patched",
        "alert-channels created", "alert-channels patched", "alert-channels removed",
        "maintenance-windows created", "maintenance-windows patched", "maintenance-windows removed",
    ];

    private readonly ConcurrentQueue<(string Name, JsonElement Record)> events = new();

    private FeedListener(HubConnection connection)
    {
        Connection = connection;
        foreach (var name in EventNames)
        {
            connection.On<JsonElement>(name, record =>
            {
                events.Enqueue((name, record));
                Received?.Invoke(name, record);
            });
        }
    }

    public HubConnection Connection { get; }

    public IReadOnlyCollection<(string Name, JsonElement Record)> Events => events;

    public Action<string, JsonElement>? Received { get; set; }

    public static async Task<FeedListener> ConnectAsync(string gatewayUrl, string key)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl($"{gatewayUrl}/hub", o => o.AccessTokenProvider = () => Task.FromResult<string?>(key))
            .Build();
        var listener = new FeedListener(connection);
        await connection.StartAsync();
        return listener;
    }

    public IReadOnlyList<JsonElement> Named(string name) => events.Where(e => e.Name == name).Select(e => e.Record).ToList();

    public Task WaitForAsync(Func<FeedListener, bool> condition, string awaited, int seconds = 20) =>
        Eventually.IsTrueAsync(() => Task.FromResult(condition(this)), TimeSpan.FromSeconds(seconds), awaited, TimeSpan.FromMilliseconds(20));

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
}
