using System.Globalization;

namespace Monitoring.Grains;

/// <summary>
/// Durations as people and Go write them: <see cref="Of"/> for notices (<c>12s</c>, <c>4m 12s</c>, <c>1h 5m</c>,
/// <c>2d 3h</c>), <see cref="TryParse"/> for conditions (<c>48h</c>, <c>30m</c>, <c>1h30m</c>, <c>500ms</c>, <c>1.5s</c>).
/// </summary>
public static class DurationText
{
    public static string Of(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
        {
            duration = TimeSpan.Zero;
        }

        var seconds = (long)duration.TotalSeconds;
        var (d, h, m, s) = (seconds / 86400, seconds / 3600 % 24, seconds / 60 % 60, seconds % 60);
        return d > 0 ? Two(d, "d", h, "h")
            : h > 0 ? Two(h, "h", m, "m")
            : m > 0 ? Two(m, "m", s, "s")
            : $"{s}s";
    }

    /// <summary>A duration the way conditions write it, to the second: <c>119h58m2s</c>, <c>30m0s</c>, <c>0s</c> (what a failed condition says it got).</summary>
    public static string Go(TimeSpan duration)
    {
        var seconds = Math.Max(0, (long)duration.TotalSeconds);
        var (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
        return h > 0 ? $"{h}h{m}m{s}s" : m > 0 ? $"{m}m{s}s" : $"{s}s";
    }

    private static string Two(long a, string unitA, long b, string unitB) => b > 0 ? $"{a}{unitA} {b}{unitB}" : $"{a}{unitA}";

    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var i = 0;
        var total = 0.0;
        if (text.Length == 0)
        {
            return false;
        }

        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
            {
                i++;
            }

            if (i == start || !double.TryParse(text[start..i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            var unitStart = i;
            while (i < text.Length && char.IsAsciiLetter(text[i]))
            {
                i++;
            }

            var milliseconds = text[unitStart..i] switch
            {
                "h" => 3_600_000.0,
                "m" => 60_000.0,
                "s" => 1_000.0,
                "ms" => 1.0,
                "us" => 0.001,
                "ns" => 0.000001,
                _ => double.NaN,
            };
            if (double.IsNaN(milliseconds))
            {
                return false;
            }

            total += number * milliseconds;
        }

        if (total > TimeSpan.MaxValue.TotalMilliseconds)
        {
            return false;
        }

        duration = TimeSpan.FromMilliseconds(total);
        return true;
    }
}
