using System.Globalization;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Gateway.Api;

/// <summary>Reads <c>period</c> (<c>Nh</c> or <c>Nd</c>, up to 90 days) and <c>bucket</c> (<c>1h</c> or <c>1d</c>).</summary>
public static class UptimePeriod
{
    public static readonly TimeSpan Longest = TimeSpan.FromDays(90);

    public static bool TryParse(string? period, string? bucket, out UptimeQuery query, out string? error)
    {
        query = null!;
        period = string.IsNullOrEmpty(period) ? "24h" : period;
        if (!TryParseLength(period, out var length))
        {
            error = $"Invalid period '{Shorten(period)}': use 1h, 24h, 7d, 30d, 90d, or any Nh / Nd up to 90 days";
            return false;
        }

        var size = bucket switch
        {
            null or "" => UptimeBucketSize.None,
            "1h" => UptimeBucketSize.Hour,
            "1d" => UptimeBucketSize.Day,
            _ => (UptimeBucketSize?)null,
        };
        if (size is null)
        {
            error = $"Invalid bucket '{Shorten(bucket!)}': use 1h or 1d";
            return false;
        }

        query = new UptimeQuery(period, length, size.Value);
        error = null;
        return true;
    }

    private static bool TryParseLength(string period, out TimeSpan length)
    {
        length = default;
        if (period.Length < 2 || period.Length > 6 || period[^1] is not ('h' or 'd')
            || !int.TryParse(period.AsSpan(0, period.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount <= 0)
        {
            return false;
        }

        length = period[^1] == 'h' ? TimeSpan.FromHours(amount) : TimeSpan.FromDays(amount);
        return length <= Longest;
    }

    private static string Shorten(string value) => value.Length <= 20 ? value : value[..20] + "…";
}
