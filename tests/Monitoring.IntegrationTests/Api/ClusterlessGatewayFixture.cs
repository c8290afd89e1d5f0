using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Monitoring.Gateway.Hosting;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Api;

/// <summary>
/// A gateway built by the production code (GatewayApp) over a fresh database, with no silo at all: its cluster client
/// keeps retrying while Kestrel serves what needs no cluster (health, the API description). Cheap to start.
/// </summary>
public sealed class ClusterlessGatewayFixture : IAsyncLifetime
{
    private readonly CancellationTokenSource stop = new();
    private Task starting = Task.CompletedTask;

    private TestDatabase? database;
    private WebApplication? gateway;
    private HttpClient? anonymous;

    /// <summary>The running gateway (its services hold the mapped endpoints).</summary>
    public WebApplication Gateway => gateway ?? throw new InvalidOperationException("The gateway did not start.");

    /// <summary>A client with no API key.</summary>
    public HttpClient Anonymous => anonymous ?? throw new InvalidOperationException("The gateway did not start.");

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync();
        var clusterId = $"t{Guid.NewGuid():N}"[..12];
        var port = FreePort.Next();
        var settings = new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = database.ConnectionString,
            ["API_KEYS"] = InProcessFleet.AdminKey,
            ["Orleans:ClusterId"] = clusterId,
            ["Orleans:ServiceId"] = clusterId,
            ["HOST"] = "127.0.0.1",
            ["PORT"] = port.ToString(),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        gateway = await GatewayApp.BuildAsync([], c => c.AddInMemoryCollection(settings));

        // The host's start waits for the cluster client, which never connects here; Kestrel listens meanwhile.
        starting = gateway.StartAsync(stop.Token);
        anonymous = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        await Eventually.IsTrueAsync(async () => await AnswersAsync("/livez"), TimeSpan.FromSeconds(60), "the gateway to answer /livez");
    }

    public async Task DisposeAsync()
    {
        anonymous?.Dispose();
        await stop.CancelAsync();
        try
        {
            await starting;
        }
        catch (OperationCanceledException)
        {
            // The cluster client was still retrying: expected.
        }

        if (gateway is not null)
        {
            using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
            {
                await gateway.StopAsync(deadline.Token);
            }

            await gateway.DisposeAsync();
        }

        if (database is not null)
        {
            await database.DisposeAsync();
        }

        stop.Dispose();
    }

    private async Task<bool> AnswersAsync(string path)
    {
        try
        {
            using var response = await Anonymous.GetAsync(path);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
