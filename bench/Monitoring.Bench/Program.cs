// Benchmarks of scripts/bench.sh (not tests): engine [--type http|tcp|heartbeat], engine --saturate, fleet, memory, api, uptime, faults, alerts, statuspage.
// Each prints one JSON object and, with --json FILE, writes it there. Needs DATABASE_URL and PGDATA
// (the PostgreSQL that bench.sh started) and the Release build.
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Monitoring.Bench;
using Monitoring.Sql;
using Npgsql;

var scenario = args.FirstOrDefault() ?? throw new ArgumentException("usage: Monitoring.Bench <engine|fleet|memory|api|uptime|faults|alerts|statuspage> [options] [--json FILE]");
string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
int Number(string name, int fallback) => Option(name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

var databaseUrl = Environment.GetEnvironmentVariable("DATABASE_URL") ?? throw new InvalidOperationException("DATABASE_URL is not set (run through scripts/bench.sh)");
var pgData = Environment.GetEnvironmentVariable("PGDATA") ?? throw new InvalidOperationException("PGDATA is not set (run through scripts/bench.sh)");
await using var database = NpgsqlDataSource.Create(DatabaseUrl.ToConnectionString(databaseUrl));
TimeSpan? maxSpread = Option("--max-spread") is { } spreadSeconds ? TimeSpan.FromSeconds(int.Parse(spreadSeconds, CultureInfo.InvariantCulture)) : null;
await using var fleet = await BenchFleet.StartAsync(databaseUrl, pgData, scenario == "fleet" ? FleetBench.SiloSettings(maxSpread) : null);
var context = new Context(fleet, database);

var result = scenario switch
{
    "engine" when args.Contains("--saturate") => await Scenarios.SaturateAsync(context, Number("--start", 1000), Number("--step", 1000), Number("--max", 20000), Number("--hold", 60)),
    "engine" when Option("--type") == "heartbeat" => await HeartbeatBench.RunAsync(context, Number("--services", 2000), Option("--cron") ?? "* * * * * *", Number("--duration", 60),
        Number("--grace", 5), Option("--stop-fraction") is { } fraction ? double.Parse(fraction, CultureInfo.InvariantCulture) : 0.1,
        Option("--stop-occurrences") is { } skips ? int.Parse(skips, CultureInfo.InvariantCulture) : null),
    "engine" => await Scenarios.EngineAsync(context, Number("--services", 2000), Option("--cron") ?? "* * * * * *", Number("--duration", 60), Option("--type") ?? "http"),
    "fleet" => await FleetBench.RunAsync(context, Number("--services", 100_000), Option("--mix") ?? "default", Number("--duration", 900), maxSpread, Number("--kill", 1) != 0),
    "memory" => await Scenarios.MemoryAsync(context, Number("--services", 10000), Option("--cron") ?? "*/5 * * * *"),
    "api" => await Scenarios.ApiAsync(context, Number("--duration", 20), Number("--rows", 0)),
    "uptime" => await Scenarios.UptimeAsync(context, Number("--rows", 10_000_000)),
    "statuspage" => await StatusPageBench.RunAsync(context, Number("--services", 50), Option("--cron") ?? "*/10 * * * * *", Number("--duration", 20),
        (Option("--connections") ?? "100,1000").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToList(), Option("--refetch") ?? "json"),
    "alerts" => await AlertStorm.RunAsync(context, Number("--services", 10_000), Option("--cron") ?? "*/30 * * * * *", Number("--others", 500), Number("--drain", 0)),
    "faults" => await FaultTimeline.RunAsync(context, pgData, Number("--services", 500), Option("--cron") ?? "* * * * * *", new FaultTimeline.Phases(
        Number("--steady", 30), Number("--kill", 60), Number("--outage", 30), Number("--after", 60), Number("--stop", 45), Number("--hang", 60), Number("--roll", 75))),
    _ => throw new ArgumentException($"unknown scenario '{scenario}'"),
};

var report = new Dictionary<string, object>
{
    ["scenario"] = scenario + (args.Contains("--saturate") ? " --saturate" : string.Empty),
    ["arguments"] = string.Join(' ', args),
    ["machine"] = new Dictionary<string, object>
    {
        ["cores"] = Environment.ProcessorCount,
        ["os"] = RuntimeInformation.OSDescription,
        ["cpu"] = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown",
        ["memory_gb"] = Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1024d / 1024 / 1024, 1),
    },
    ["at"] = DateTimeOffset.UtcNow.ToString("O"),
    ["result"] = result,
};
var json = JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals });
Console.WriteLine(json);
if (Option("--json") is { } file)
{
    await File.WriteAllTextAsync(file, json);
}
