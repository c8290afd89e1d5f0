using System.Globalization;

namespace Monitoring.UnitTests;

internal static class Times
{
    /// <summary>Reads an ISO 8601 time with an offset or Z exactly as written.</summary>
    public static DateTimeOffset At(string text) => DateTimeOffset.ParseExact(
        text, ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.fffK"], CultureInfo.InvariantCulture, DateTimeStyles.None);
}
