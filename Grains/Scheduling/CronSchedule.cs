using System.Collections.Concurrent;
using Cronos;

namespace Monitoring.Grains.Scheduling;

/// <summary>
/// A service's cron expression read in its time zone: 5 fields, or 6 with seconds first.
/// When both day-of-month and day-of-week are restricted, a day matching EITHER fires (POSIX and Vixie
/// cron, and the cron-parser of the replaced system); Cronos alone would require both, so such an
/// expression is read as two, one per day field, and the earlier occurrence wins.
/// </summary>
public sealed partial class CronSchedule
{
    // Many services share a few schedules: parse each (expression, zone) once and share the immutable result.
    private const int MaxCached = 10_000;
    private static readonly ConcurrentDictionary<(string Text, string Zone), CronSchedule> Parsed = new();

    private readonly CronExpression expression;
    private readonly CronExpression? either;
    private readonly TimeZoneInfo zone;

    private CronSchedule(CronExpression expression, CronExpression? either, TimeZoneInfo zone)
    {
        this.expression = expression;
        this.either = either;
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

        var fields = text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length == 1 && fields[0].StartsWith('@'))
        {
            error = $"macros such as '{fields[0]}' are not supported; give the 5 fields (e.g. '0 * * * *' for @hourly)";
            return false;
        }

        if (fields.Length is not (5 or 6))
        {
            error = $"expected 5 fields, or 6 with seconds first, but got {fields.Length}";
            return false;
        }

        try
        {
            var format = fields.Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard;
            var expression = CronExpression.Parse(string.Join(' ', fields), format);
            CronExpression? either = null;
            var dayOfMonth = fields.Length - 3;
            var dayOfWeek = fields.Length - 1;
            if (!CronDayField.DayOfMonthIsUnrestricted(fields[dayOfMonth]) && !CronDayField.DayOfWeekIsUnrestricted(fields[dayOfWeek]))
            {
                expression = CronExpression.Parse(string.Join(' ', fields.Select((f, i) => i == dayOfWeek ? "*" : f)), format);
                either = CronExpression.Parse(string.Join(' ', fields.Select((f, i) => i == dayOfMonth ? "*" : f)), format);
            }

            schedule = new CronSchedule(expression, either, zone!);
            if (Parsed.Count < MaxCached)
            {
                Parsed.TryAdd((text, timeZone), schedule);
            }

            error = null;
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // CronFormatException for most input, but not all: an 'H' field throws MissingSeedException.
            error = ex.GetType().Name == "MissingSeedException" ? "hashed 'H' fields are not supported; give a number instead" : ex.Message;
            return false;
        }
    }

    public static CronSchedule Parse(string text, string timeZone) =>
        TryParse(text, timeZone, out var schedule, out var error) ? schedule! : throw new FormatException(error);

    /// <summary>IANA names only (UTC included); Windows names are refused so stored values stay portable.</summary>
    public static bool TryFindZone(string name, out TimeZoneInfo? zone)
    {
        zone = null;
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100 || !ZoneName().IsMatch(name))
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
            var found = TimeZoneInfo.FindSystemTimeZoneById(name);
            zone = found.HasIanaId ? found : null;
            return zone is not null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Not only TimeZoneNotFoundException: a folder of the tz database ("America") throws
            // SecurityException on Linux, and odd names may throw IO or argument exceptions.
            return false;
        }
    }

    /// <summary>Whether the expression fires at all (<c>0 0 30 2 *</c> never does). Any expression that fires
    /// does so within 28 years of any date, after which the calendar's weekdays and leap days repeat.</summary>
    public bool EverFires => NextAfter(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero)) is not null;

    /// <summary>The first occurrence strictly after <paramref name="after"/>, or null when there is none.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset after)
    {
        var next = expression.GetNextOccurrence(after.UtcDateTime, zone, inclusive: false);
        if (either?.GetNextOccurrence(after.UtcDateTime, zone, inclusive: false) is { } other && (next is null || other < next))
        {
            next = other;
        }

        return next is { } found ? new DateTimeOffset(found, TimeSpan.Zero) : null;
    }

    // Area/Location names of the tz database: no empty, "." or ".." segments, nothing a path could abuse.
    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*$")]
    private static partial System.Text.RegularExpressions.Regex ZoneName();
}
