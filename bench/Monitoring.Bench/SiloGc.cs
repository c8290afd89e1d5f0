namespace Monitoring.Bench;

/// <summary>
/// The silo's garbage collector over a window, from the .NET runtime's counters on its /metrics
/// (<c>dotnet.gc.heap.total_allocated</c>, <c>dotnet.gc.pause.time</c>, <c>dotnet.gc.collections</c>): bytes allocated
/// per check, the share of the window the silo was stopped for collections, and how many there were.
/// </summary>
public static class SiloGc
{
    private const string Allocated = "dotnet_gc_heap_total_allocated_bytes_total";
    private const string Paused = "dotnet_gc_pause_time_seconds_total";
    private const string Collections = "dotnet_gc_collections_total";

    /// <summary>The three counters now, in one scrape, and when they were read; empty when the scrape failed.</summary>
    /// <remarks>
    /// The silo's own work for the two scrapes (at a million services about 85 MB of text each) falls between the readings:
    /// under 1 % of what a window of minutes allocates at that size.
    /// </remarks>
    public static async Task<Dictionary<string, double>> ReadAsync(BenchFleet fleet)
    {
        var readings = new Dictionary<string, double>();
        if (await fleet.SiloMetricsAsync([Allocated, Paused, Collections]) is { } sums)
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
    public static object Summary(Dictionary<string, double> before, Dictionary<string, double> after, long checks, double seconds)
    {
        double? Delta(string name) => before.TryGetValue(name, out var a) && after.TryGetValue(name, out var b) ? b - a : null;
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
}
