namespace Monitoring.Bench;

/// <summary>
/// The silo's counters over a window, from its /metrics: the garbage collector (the .NET runtime's
/// <c>dotnet.gc.heap.total_allocated</c>, <c>dotnet.gc.pause.time</c>, <c>dotnet.gc.collections</c>: bytes allocated
/// per check, the share of the window the silo was stopped for collections, and how many there were) and the result
/// writer (<c>monitoring.results.batch_size</c>: COPYs per second and results per COPY).
/// </summary>
public static class SiloCounters
{
    private const string Allocated = "dotnet_gc_heap_total_allocated_bytes_total";
    private const string Paused = "dotnet_gc_pause_time_seconds_total";
    private const string Collections = "dotnet_gc_collections_total";
    private const string Copies = "monitoring_results_batch_size_count";
    private const string CopiedResults = "monitoring_results_batch_size_sum";

    /// <summary>The counters now, in one scrape; empty when the scrape failed.</summary>
    /// <remarks>
    /// The silo's own work for the two scrapes (at a million services about 85 MB of text each) falls between the readings:
    /// under 1 % of what a window of minutes allocates at that size.
    /// </remarks>
    public static async Task<Dictionary<string, double>> ReadAsync(BenchFleet fleet)
    {
        var readings = new Dictionary<string, double>();
        if (await fleet.SiloMetricsAsync([Allocated, Paused, Collections, Copies, CopiedResults]) is { } sums)
        {
            foreach (var (name, value) in sums)
            {
                if (value is { } found)
                {
                    readings[name] = found;
                }
            }
        }

        return readings;
    }

    /// <summary>What happened between two readings; "not read" when a scrape failed at either end.</summary>
    public static object Gc(Dictionary<string, double> before, Dictionary<string, double> after, long checks, double seconds)
    {
        double? Delta(string name) => Between(before, after, name);
        if (Delta(Allocated) is not { } allocated || Delta(Paused) is not { } paused || Delta(Collections) is not { } collections)
        {
            return "not read (a scrape of the silo's /metrics failed)";
        }

        return new Dictionary<string, object>
        {
            ["allocated_kb_per_check"] = Stats.Round(allocated / 1024 / Math.Max(1, checks)),
            ["allocated_mb_per_second"] = Stats.Round(allocated / 1024 / 1024 / seconds),
            ["paused_ms_per_second"] = Stats.Round(paused * 1000 / seconds),
            ["collections"] = collections,
        };
    }

    /// <summary>The result writer between two readings: COPYs per second and results per COPY; "not read" when a scrape failed.</summary>
    public static object Writer(Dictionary<string, double> before, Dictionary<string, double> after, double seconds)
    {
        double? Delta(string name) => Between(before, after, name);
        if (Delta(Copies) is not { } copies || Delta(CopiedResults) is not { } results)
        {
            return "not read (a scrape of the silo's /metrics failed)";
        }

        return new Dictionary<string, object>
        {
            ["copies_per_second"] = Stats.Round(copies / seconds),
            ["results_per_copy"] = Stats.Round(results / Math.Max(1, copies)),
        };
    }

    private static double? Between(Dictionary<string, double> before, Dictionary<string, double> after, string name) =>
        before.TryGetValue(name, out var a) && after.TryGetValue(name, out var b) ? b - a : null;
}
