using System.Globalization;

namespace Monitoring.Grains.Scheduling;

/// <summary>
/// Whether a day-of-month or day-of-week field restricts the days at all. A field that matches every value
/// of its range (<c>*</c>, <c>?</c>, <c>*/1</c>, <c>1-31</c>, <c>0-6</c>, <c>SUN-SAT</c>) does not; anything
/// else does, including <c>L</c>, <c>W</c> and <c>#</c> forms. This is how the Node cron-parser of the
/// replaced system decides it (a range that covers every value counts as a wildcard).
/// </summary>
public static class CronDayField
{
    private static readonly string[] DayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    /// <summary>Day of month: 1–31.</summary>
    public static bool DayOfMonthIsUnrestricted(string field) => Covers(field, 1, 31, names: null);

    /// <summary>Day of week: 0–7 with 7 = Sunday, or SUN–SAT.</summary>
    public static bool DayOfWeekIsUnrestricted(string field)
    {
        var days = Expand(field, 0, 7, DayNames);
        if (days is null)
        {
            return false;
        }

        if (days.Remove(7))
        {
            days.Add(0);
        }

        return days.Count == 7;
    }

    private static bool Covers(string field, int min, int max, string[]? names) =>
        Expand(field, min, max, names) is { } values && values.Count == max - min + 1;

    /// <summary>The values a field of numbers, names, ranges, steps and lists selects; null for other forms.</summary>
    private static HashSet<int>? Expand(string field, int min, int max, string[]? names)
    {
        var values = new HashSet<int>();
        foreach (var part in field.Split(','))
        {
            var (range, stepText) = part.IndexOf('/') is var slash and >= 0 ? (part[..slash], part[(slash + 1)..]) : (part, null);
            var step = 1;
            if (stepText is not null && (!int.TryParse(stepText, NumberStyles.None, CultureInfo.InvariantCulture, out step) || step < 1))
            {
                return null;
            }

            int from, to;
            if (range is "*" or "?")
            {
                (from, to) = (min, max);
            }
            else if (range.IndexOf('-') is var dash and > 0)
            {
                if (Value(range[..dash], names) is not { } a || Value(range[(dash + 1)..], names) is not { } b || a > b)
                {
                    return null;
                }

                (from, to) = (a, b);
            }
            else if (Value(range, names) is { } single)
            {
                (from, to) = (single, stepText is null ? single : max);
            }
            else
            {
                return null;
            }

            if (from < min || to > max)
            {
                return null;
            }

            for (var v = from; v <= to; v += step)
            {
                values.Add(v);
            }
        }

        return values;
    }

    private static int? Value(string text, string[]? names)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        var index = names is null ? -1 : Array.FindIndex(names, n => n.Equals(text, StringComparison.OrdinalIgnoreCase));
        return index >= 0 ? index : null;
    }
}
