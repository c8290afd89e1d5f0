using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Monitoring.Gateway.Hosting;
using Monitoring.Silo;

namespace Monitoring.IntegrationTests.Infrastructure;

/// <summary>
/// Silos and gateways built by the production code (SiloApp, GatewayApp) and started in this process:
/// real Orleans clustering through PostgreSQL, real Kestrel on 127.0.0.1, real HTTP.
/// </summary>
public sealed class InProcessFleet : IAsyncDisposable
{
    public const string AdminKey = "admin-key-for-tests";
    public const string EncryptionKey = "0123456789abcdef0123456789abcdef";

    private readonly Dictionary<string, string?> settings;
    private readonly List<WebApplication> silos = [];
    private readonly List<WebApplication> gateways = [];

    private InProcessFleet(TestDatabase database, IReadOnlyDictionary<string, string?>? extra)
    {
        Database = database;
        var clusterId = $"t{Guid.NewGuid():N}"[..12];
        settings = new Dictionary<string, string?>(ProcessFleet.FastMembership.ToDictionary(p => p.Key.Replace("__", ":"), p => p.Value))
        {
            ["DATABASE_URL"] = database.ConnectionString,
            ["ENCRYPTION_KEY"] = EncryptionKey,
            ["API_KEYS"] = AdminKey,
            ["Orleans:ClusterId"] = clusterId,
            ["Orleans:ServiceId"] = clusterId,
            ["HOST"] = "127.0.0.1",
            // Each silo's /metrics on a port of its own.
            ["METRICS_PORT"] = "0",
            ["RESULTS_JOURNAL_DIR"] = Path.Combine(Path.GetTempPath(), $"fleet-journal-{clusterId}"),
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Monitoring"] = "Warning",

            // Tests drive most checks through POST /check with one key; the limit's own test sets it low.
            ["RateLimit:ManualChecksPerMinute"] = "1000000",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
    }

    public TestDatabase Database { get; }

    /// <summary>What every silo and gateway of this fleet logged (Information up; Debug up for our own code).</summary>
    public CapturedLogs Logs { get; } = new();

    public IReadOnlyList<IHost> Silos => silos;

    public IReadOnlyList<WebApplication> Gateways => gateways;

    public static async Task<InProcessFleet> StartAsync(TestDatabase database, int silos = 1, int gateways = 1, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var fleet = new InProcessFleet(database, settings);
        for (var i = 0; i < silos; i++)
        {
            await fleet.AddSiloAsync();
        }

        for (var i = 0; i < gateways; i++)
        {
            await fleet.AddGatewayAsync();
        }

        return fleet;
    }

    public IReadOnlyDictionary<string, string?> Settings => settings;

    public async Task<IHost> AddSiloAsync(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var own = new Dictionary<string, string?>(settings)
        {
            ["SILO_PORT"] = FreePort.Next().ToString(),
            ["GATEWAY_PORT"] = FreePort.Next().ToString(),
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            own[key] = value;
        }

        var silo = await SiloApp.BuildAsync([], c => c.AddInMemoryCollection(own), Capture);
        await silo.StartAsync();
        silos.Add(silo);
        return silo;
    }

    public async Task<WebApplication> AddGatewayAsync()
    {
        var own = new Dictionary<string, string?>(settings) { ["PORT"] = "0" };
        var gateway = await GatewayApp.BuildAsync([], c => c.AddInMemoryCollection(own), Capture);
        await gateway.StartAsync();
        gateways.Add(gateway);
        return gateway;
    }

    /// <summary>An HTTP client for gateway <paramref name="index"/>, authenticated with <paramref name="key"/> (none when null).</summary>
    public HttpClient Http(int index = 0, string? key = AdminKey)
    {
        var http = new HttpClient { BaseAddress = new Uri(gateways[index].Urls.First()), Timeout = TimeSpan.FromSeconds(30) };
        if (key is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return http;
    }

    public string GatewayUrl(int index = 0) => gateways[index].Urls.First();

    /// <summary>Where silo <paramref name="index"/> serves /metrics (its METRICS_PORT, picked when it started).</summary>
    public string SiloMetricsUrl(int index = 0) => silos[index].Urls.First();

    /// <summary>Stops a silo gracefully (its grains move to the others).</summary>
    public async Task StopSiloAsync(int index)
    {
        var silo = silos[index];
        await silo.StopAsync(TimeSpan.FromSeconds(30));
        await silo.DisposeAsync();
        silos.RemoveAt(index);
    }

    public T SiloService<T>(int index = 0)
        where T : notnull => silos[index].Services.GetRequiredService<T>();

    private void Capture(Microsoft.Extensions.Logging.ILoggingBuilder logging)
    {
        logging.AddProvider(Logs);
        logging.AddFilter<CapturedLogs>(null, Microsoft.Extensions.Logging.LogLevel.Information);
        logging.AddFilter<CapturedLogs>("Monitoring", Microsoft.Extensions.Logging.LogLevel.Debug);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var gateway in gateways)
        {
            await gateway.StopAsync(TimeSpan.FromSeconds(10));
            await gateway.DisposeAsync();
        }

        foreach (var silo in Enumerable.Reverse(silos))
        {
            await silo.StopAsync(TimeSpan.FromSeconds(30));
            await silo.DisposeAsync();
        }
    }
}
