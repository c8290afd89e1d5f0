using System.Collections.Concurrent;
using Cronos;

namespace Monitoring.Grains.Scheduling;

/// <summary>
/// A service's cron expression read in its time zone: 5 fields, or 6 with seconds first.
/// </summary>
public sealed class CronSchedule
{
    // Many services share a few schedules: parse each (expression, zone) once and share the immutable result.
    private const int MaxCached = 10_000;
    private static readonly ConcurrentDictionary<(string Text, string Zone), CronSchedule> Parsed = new();

    private readonly CronExpression expression;
    private readonly TimeZoneInfo zone;

    private CronSchedule(CronExpression expression, TimeZoneInfo zone)
    {
        this.expression = expression;
        this.zone = zone;
    }

    /// <summary>Parses the expression, or answers why it cannot (the parser's reason).</summary>
    public static bool TryParse(string text, string timeZone, out CronSchedule? schedule, out string? error)
    {
        if (Parsed.TryGetValue((text, timeZone), out schedule))
        {
            error = null;
            return true;
        }

        if (!TryFindZone(timeZone, out var zone))
        {
            error = $"unknown time zone '{timeZone}' (use an IANA name such as UTC or Europe/Berlin)";
            return false;
        }

        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        if (fields is not (5 or 6))
        {
            error = $"expected 5 fields, or 6 with seconds first, but got {fields}";
            return false;
        }

        try
        {
            var expression = CronExpression.Parse(text.Trim(), fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
            schedule = new CronSchedule(expression, zone!);
            if (Parsed.Count < MaxCached)
            {
                Parsed.TryAdd((text, timeZone), schedule);
            }

            error = null;
            return true;
        }
        catch (CronFormatException ex)
        {
            error = ex.Message;
            return false;
        }
    }

    public static CronSchedule Parse(string text, string timeZone) =>
        TryParse(text, timeZone, out var schedule, out var error) ? schedule! : throw new FormatException(error);

    /// <summary>IANA names only (UTC included); Windows names are refused so stored values stay portable.</summary>
    public static bool TryFindZone(string name, out TimeZoneInfo? zone)
    {
        zone = null;
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100)
        {
            return false;
        }

        if (name is "UTC" or "Etc/UTC")
        {
            zone = TimeZoneInfo.Utc;
            return true;
        }

        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(name);
            return zone.HasIanaId;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/>, or null when there is none.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset after) =>
        expression.GetNextOccurrence(after.UtcDateTime, zone, inclusive: false) is { } next ? new DateTimeOffset(next, TimeSpan.Zero) : null;
}
