using System.Diagnostics;
using System.Net.Http.Headers;

namespace Monitoring.Bench;

/// <summary>
/// The real shape, each part its own process so CPU and memory can be told apart: one silo, the gateway and
/// the stub target (PostgreSQL is started by scripts/bench.sh), all on 127.0.0.1.
/// </summary>
public sealed class BenchFleet : IAsyncDisposable
{
    public const string Key = "bench-admin-key";

    private readonly string pgData;
    private readonly List<Process> processes = [];
    private Dictionary<string, string> siloEnvironment = [];

    private BenchFleet(string pgData, int gatewayPort, int stubPort)
    {
        this.pgData = pgData;
        GatewayUrl = $"http://127.0.0.1:{gatewayPort}";
        StubUrl = $"http://127.0.0.1:{stubPort}";
        Http = new HttpClient { BaseAddress = new Uri(GatewayUrl), Timeout = TimeSpan.FromSeconds(60) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
    }

    public string GatewayUrl { get; }

    public string StubUrl { get; }

    public HttpClient Http { get; }

    public Process Silo { get; private set; } = null!;

    public Process Gateway { get; private set; } = null!;

    public Process Stub { get; private set; } = null!;

    public static async Task<BenchFleet> StartAsync(string databaseUrl, string pgData, IReadOnlyDictionary<string, string>? siloSettings = null)
    {
        var fleet = new BenchFleet(pgData, 13030, 18080);
        var common = new Dictionary<string, string>
        {
            ["DATABASE_URL"] = databaseUrl,
            ["ENCRYPTION_KEY"] = "bench-0123456789abcdef0123456789",
            ["API_KEYS"] = Key,
            ["Logging__LogLevel__Default"] = "Warning",
            ["RESULTS_JOURNAL_DIR"] = Path.Combine(Path.GetTempPath(), $"bench-journal-{Guid.NewGuid():N}"),
        };
        fleet.Stub = fleet.Start(Built("bench/StubTarget", "Monitoring.Bench.StubTarget.dll"), new() { ["STUB_PORT"] = "18080" });
        // The fleet's sweeps and hand-overs say what they did and how long it took (the faults scenario's log).
        var fleetLog = new Dictionary<string, string> { ["Logging__LogLevel__Monitoring.Grains.Fleet"] = "Information" };
        fleet.siloEnvironment = new(common.Concat(fleetLog).Concat(siloSettings ?? new Dictionary<string, string>()));
        fleet.Silo = fleet.Start(Built("Silo", "Monitoring.Silo.dll"), new(fleet.siloEnvironment));
        var gatewayEnvironment = new Dictionary<string, string>(common)
        {
            ["HOST"] = "127.0.0.1",
            ["PORT"] = "13030",
            ["Bench__BareEndpoint"] = "true",
        };
        if (siloSettings?.TryGetValue(FleetBench.DashboardSwitch, out var dashboard) == true)
        {
            // The dashboard is switched on silos and gateways alike (README).
            gatewayEnvironment[FleetBench.DashboardSwitch] = dashboard;
        }

        fleet.Gateway = fleet.Start(Built("Gateway", "Monitoring.Gateway.dll"), gatewayEnvironment);

        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            try
            {
                if ((await fleet.Http.GetAsync("/health")).IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (DateTime.UtcNow > deadline || fleet.processes.Any(p => p.HasExited))
            {
                await fleet.DisposeAsync();
                throw new InvalidOperationException("the fleet did not become healthy (see the processes' output above)");
            }

            await Task.Delay(250);
        }

        return fleet;
    }

    /// <summary>
    /// Starts another silo of the same fleet on the given ports (the first silo has 11111 and 30000, and /metrics on 9464;
    /// this one serves /metrics on <paramref name="siloPort"/> + 1000).
    /// </summary>
    public Process StartSilo(int siloPort, int gatewayPort) =>
        Start(Built("Silo", "Monitoring.Silo.dll"), new(siloEnvironment)
        {
            ["SILO_PORT"] = $"{siloPort}",
            ["GATEWAY_PORT"] = $"{gatewayPort}",
            ["METRICS_PORT"] = $"{siloPort + 1000}",
        });

    /// <summary>
    /// Stops the first silo (<paramref name="kill"/>: SIGKILL, as a crash; otherwise SIGTERM and a wait for it to exit) and
    /// starts it again with the same settings and ports; <see cref="Silo"/> is the new process.
    /// </summary>
    public async Task RestartSiloAsync(bool kill)
    {
        if (kill)
        {
            Silo.Kill();
        }
        else
        {
            Process.Start("kill", ["-TERM", Silo.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
        }

        await Silo.WaitForExitAsync();
        Silo = Start(Built("Silo", "Monitoring.Silo.dll"), new(siloEnvironment));
    }

    /// <summary>The sum of every series of metric <paramref name="name"/> on the first silo's /metrics (port 9464); null when it does not answer or has none.</summary>
    public async Task<double?> SiloMetricAsync(string name) => (await SiloMetricsAsync([name]))?.GetValueOrDefault(name);

    /// <summary>
    /// The sums of the series of each metric of <paramref name="names"/> in one scrape of the first silo's /metrics (a metric
    /// with no series is left out); null when the scrape failed. A name may select one label's value, as
    /// <c>metric{label="value"}</c>: the sum of the series that carry it.
    /// </summary>
    public async Task<Dictionary<string, double?>?> SiloMetricsAsync(IReadOnlyCollection<string> names)
    {
        try
        {
            // Line by line: at a million services a scrape is 85 MB of per-service series, which the benchmark
            // (on the same 2 cores) should not hold and split whole.
            using var scrape = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
            using var reader = new StreamReader(await scrape.GetStreamAsync("http://127.0.0.1:9464/metrics"));
            var sums = new Dictionary<string, double?>();
            while (await reader.ReadLineAsync() is { } line)
            {
                foreach (var name in names)
                {
                    var brace = name.IndexOf('{');
                    var metric = brace < 0 ? name : name[..brace];
                    if (line.StartsWith(metric + " ", StringComparison.Ordinal) || line.StartsWith(metric + "{", StringComparison.Ordinal))
                    {
                        // name{labels} value [timestamp]
                        var rest = line[metric.Length..];
                        var labelsEnd = rest.StartsWith('{') ? rest.LastIndexOf('}') + 1 : 0;
                        if (brace >= 0 && !HasLabel(rest[..labelsEnd], name[(brace + 1)..].TrimEnd('}')))
                        {
                            continue;
                        }

                        sums[name] = (sums.GetValueOrDefault(name) ?? 0) + double.Parse(rest[labelsEnd..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
                    }
                }
            }

            return sums;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            // A scrape cut off (the silo busy or restarting) is no reading, not the end of the run.
            return null;
        }
    }

    /// <summary>Whether <paramref name="labels"/> (<c>{a="x",b="y"}</c>) holds <paramref name="pair"/> (<c>b="y"</c>) as a whole label.</summary>
    private static bool HasLabel(string labels, string pair) =>
        labels.Contains("{" + pair, StringComparison.Ordinal) || labels.Contains("," + pair, StringComparison.Ordinal);

    /// <summary>
    /// Starts counting the CPU each part uses: silo, gateway, PostgreSQL (all its processes, and apart: its client
    /// connections, its autovacuum workers and its other background processes; a process whose role cannot be read is in
    /// the total only) and stub.
    /// </summary>
    public CpuSampler SampleCpu() => new(() =>
    {
        var postgres = ProcessStats.PostgresProcesses(pgData);
        var roles = postgres.Select(pid => (Pid: pid, Role: ProcessStats.PostgresRole(pid))).Where(p => p.Role is not null).ToList();
        return new Dictionary<string, IReadOnlyList<int>>
        {
            ["silo"] = [Silo.Id],
            ["gateway"] = [Gateway.Id],
            ["postgres"] = postgres,
            ["postgres_backends"] = roles.Where(p => p.Role == "backends").Select(p => p.Pid).ToList(),
            ["postgres_autovacuum"] = roles.Where(p => p.Role == "autovacuum").Select(p => p.Pid).ToList(),
            ["postgres_other"] = roles.Where(p => p.Role == "other").Select(p => p.Pid).ToList(),
            ["stub"] = [Stub.Id],
        };
    });

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        foreach (var process in Enumerable.Reverse(processes))
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
    }

    private static string Built(string project, string dll)
    {
        var root = Directory.GetCurrentDirectory();
        var path = Path.Combine(root, project, "bin", "Release", "net10.0", dll);
        return File.Exists(path) ? path : throw new FileNotFoundException($"build Release first: {path}");
    }

    private Process Start(string dll, Dictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("dotnet", [dll]) { UseShellExecute = false, RedirectStandardOutput = false };
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var process = Process.Start(info)!;
        processes.Add(process);
        return process;
    }
}
