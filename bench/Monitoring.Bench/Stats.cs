namespace Monitoring.Bench;

/// <summary>Percentiles (nearest rank) of a sample, in the sample's unit.</summary>
public static class Stats
{
    public static double Percentile(IReadOnlyList<double> sorted, double percentile)
    {
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    public static Dictionary<string, double> Summary(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return new Dictionary<string, double>
        {
            ["count"] = sorted.Count,
            ["p50"] = Round(Percentile(sorted, 50)),
            ["p95"] = Round(Percentile(sorted, 95)),
            ["p99"] = Round(Percentile(sorted, 99)),
            ["max"] = Round(sorted.Count == 0 ? double.NaN : sorted[^1]),
        };
    }

    public static double Round(double value) => double.IsNaN(value) ? value : Math.Round(value, 2);
}
