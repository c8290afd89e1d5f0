using System.Globalization;

namespace Monitoring.Bench;

/// <summary>The gateway's /metrics (Prometheus text), each metric summed over its labels.</summary>
public static class GatewayMetrics
{
    public static async Task<Dictionary<string, double>> ReadAsync(HttpClient gateway)
    {
        var text = await gateway.GetStringAsync("/metrics");
        var sums = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var nameEnd = line.IndexOfAny(['{', ' ']);
            var valueStart = line.LastIndexOf(' ');
            if (nameEnd <= 0 || valueStart <= nameEnd
                || !double.TryParse(line[(valueStart + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                continue;
            }

            var name = line[..nameEnd];
            sums[name] = sums.GetValueOrDefault(name) + value;
        }

        return sums;
    }

    public static double Delta(Dictionary<string, double> before, Dictionary<string, double> after, string name) =>
        after.GetValueOrDefault(name) - before.GetValueOrDefault(name);
}
