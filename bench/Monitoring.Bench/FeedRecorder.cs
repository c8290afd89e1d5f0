using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace Monitoring.Bench;

/// <summary>A SignalR client that notes when each "service-status created" event arrived.</summary>
public sealed class FeedRecorder : IAsyncDisposable
{
    private readonly HubConnection connection;

    private FeedRecorder(HubConnection connection)
    {
        this.connection = connection;
        connection.On<JsonElement>("service-status created", record => Received[record.GetProperty("id").GetInt64()] = DateTimeOffset.UtcNow);
        connection.On<JsonElement>("client-services patched", _ => { });
    }

    public ConcurrentDictionary<long, DateTimeOffset> Received { get; } = new();

    public static async Task<FeedRecorder> ConnectAsync(string gatewayUrl, string key)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl($"{gatewayUrl}/hub", o => o.AccessTokenProvider = () => Task.FromResult<string?>(key))
            .Build();
        var recorder = new FeedRecorder(connection);
        await connection.StartAsync();
        return recorder;
    }

    public async ValueTask DisposeAsync() => await connection.DisposeAsync();
}
