using System.Net.Http.Json;
using System.Text.Json;

namespace Monitoring.IntegrationTests.Infrastructure;

/// <summary>
/// Silo and gateway processes of one cluster on a test database, as a user runs them, with the fast
/// failure detection the tests configure (production keeps Orleans' defaults).
/// </summary>
public sealed class ProcessFleet(TestDatabase database) : IAsyncDisposable
{
    public const string AdminKey = "fleet-admin-key";
    public const string EncryptionKey = "0123456789abcdef0123456789abcdef";

    private readonly List<MonitoringProcess> processes = [];

    public string ClusterId { get; } = $"fleet-{Guid.NewGuid():N}"[..16];

    /// <summary>The fleet's own folder for result journals (each silo keeps a subfolder per silo port).</summary>
    public string JournalFolder { get; } = Path.Combine(Path.GetTempPath(), $"fleet-journal-{Guid.NewGuid():N}");

    public static readonly IReadOnlyDictionary<string, string?> FastMembership = new Dictionary<string, string?>
    {
        ["Orleans__Membership__ProbeTimeout"] = "00:00:01",
        ["Orleans__Membership__NumMissedProbesLimit"] = "1",
        ["Orleans__Membership__NumVotesForDeathDeclaration"] = "1",
        ["Orleans__Membership__TableRefreshTimeout"] = "00:00:01",
        ["Orleans__Membership__IAmAliveTablePublishTimeout"] = "00:00:02",
    };

    public Dictionary<string, string?> Environment(IReadOnlyDictionary<string, string?>? extra = null)
    {
        var environment = new Dictionary<string, string?>(FastMembership)
        {
            ["DATABASE_URL"] = database.ConnectionString,
            ["ENCRYPTION_KEY"] = EncryptionKey,
            ["API_KEYS"] = AdminKey,
            ["RateLimit__ManualChecksPerMinute"] = "1000000",
            ["Orleans__ClusterId"] = ClusterId,
            ["Orleans__ServiceId"] = ClusterId,
            ["RESULTS_JOURNAL_DIR"] = JournalFolder,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (name, value) in extra ?? new Dictionary<string, string?>())
        {
            environment[name] = value;
        }

        return environment;
    }

    public MonitoringProcess StartSilo(IReadOnlyDictionary<string, string?>? extra = null)
    {
        var environment = Environment(extra);
        environment.TryAdd("SILO_PORT", FreePort.Next().ToString());
        environment.TryAdd("GATEWAY_PORT", FreePort.Next().ToString());
        environment.TryAdd("METRICS_PORT", FreePort.Next().ToString());
        return Track(MonitoringProcess.Start(RepositoryPaths.SiloDll, environment));
    }

    public async Task<(MonitoringProcess Process, HttpClient Http)> StartGatewayAsync(IReadOnlyDictionary<string, string?>? extra = null)
    {
        var port = FreePort.Next();
        var environment = Environment(extra);
        environment["HOST"] = "127.0.0.1";
        environment["PORT"] = port.ToString();
        var process = Track(MonitoringProcess.Start(RepositoryPaths.GatewayDll, environment));
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(15) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", AdminKey);
        await Eventually.IsTrueAsync(async () =>
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the gateway exited with {process.ExitCode}:\n{process.Output}");
            }

            return (await http.GetAsync("/readyz")).IsSuccessStatusCode;
        }, TimeSpan.FromSeconds(90), "the gateway to answer /readyz");
        return (process, http);
    }

    /// <summary>The silo that answered the cluster check of /health, or null while the cluster is unhealthy.</summary>
    public static async Task<string?> AnsweringSiloAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/health");
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("checks").GetProperty("cluster").GetProperty("silo").GetString();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in Enumerable.Reverse(processes))
        {
            await process.DisposeAsync();
        }

        if (Directory.Exists(JournalFolder))
        {
            Directory.Delete(JournalFolder, recursive: true);
        }
    }

    private MonitoringProcess Track(MonitoringProcess process)
    {
        processes.Add(process);
        return process;
    }
}
