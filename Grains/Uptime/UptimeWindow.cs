using Monitoring.Grains.Checking;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Grains.Uptime;

/// <summary>
/// A service's rolling uptime in bounded memory (about 3.3 KB in three objects): hour buckets for the last week and UTC-day
/// buckets for the last 92 days. Holds exactly the committed results it was given, so sums over whole
/// buckets equal SQL over service_status; partial buckets at the start of a period come from SQL.
/// </summary>
public sealed class UptimeWindow
{
    public const int HourSlots = 170;
    public const int DaySlots = 92;
    private const byte FormatVersion = 2;

    private readonly UptimeTier<ushort, uint> hours = new(HourSlots, TimeSpan.FromHours(1));
    // A day's response-time sum overflows 32 bits only past ~49 days of summed response time; such a day
    // is marked saturated and read from SQL instead.
    private readonly UptimeTier<uint, uint> days = new(DaySlots, TimeSpan.FromDays(1));

    public void Add(DateTimeOffset checkedAt, HealthStatus status, int responseTimeMs) =>
        Apply(checkedAt, One(status, responseTimeMs), 1);

    public void Remove(DateTimeOffset checkedAt, HealthStatus status, int responseTimeMs) =>
        Apply(checkedAt, One(status, responseTimeMs), -1);

    /// <summary>Adds the aggregate of one UTC hour (a rebuild from SQL).</summary>
    public void AddHour(DateTimeOffset hourStart, UptimeCounts counts) => Apply(hourStart, counts, 1);

    public bool CoversHour(DateTimeOffset time) => hours.Covers(hours.IndexOf(time));

    public bool TryGetHour(DateTimeOffset time, out UptimeCounts counts) => hours.TryGet(hours.IndexOf(time), out counts);

    public bool TryGetDay(DateTimeOffset time, out UptimeCounts counts) => days.TryGet(days.IndexOf(time), out counts);

    /// <summary>The oldest hour the hour buckets still remember.</summary>
    public DateTimeOffset OldestHour => hours.Head == long.MinValue ? DateTimeOffset.MinValue : hours.StartOf(hours.Head - HourSlots + 1);

    public byte[] Encode()
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer))
        {
            writer.Write(FormatVersion);
            hours.WriteTo(writer);
            days.WriteTo(writer);
        }

        return buffer.ToArray();
    }

    /// <summary>Restores an encoded window, or null when the bytes are of another format (the caller rebuilds from SQL).</summary>
    public static UptimeWindow? Decode(byte[] bytes)
    {
        if (bytes.Length == 0 || bytes[0] != FormatVersion)
        {
            return null;
        }

        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, 1, bytes.Length - 1));
            var window = new UptimeWindow();
            window.hours.ReadFrom(reader);
            window.days.ReadFrom(reader);
            return window;
        }
        catch (Exception ex) when (ex is EndOfStreamException or OverflowException)
        {
            return null;
        }
    }

    public UptimeWindow Clone() => Decode(Encode())!;

    private static UptimeCounts One(HealthStatus status, int responseTimeMs) =>
        new(1, status == HealthStatus.Up ? 1 : 0, status == HealthStatus.Degraded ? 1 : 0, responseTimeMs);

    private void Apply(DateTimeOffset time, UptimeCounts counts, int sign)
    {
        hours.Apply(hours.IndexOf(time), counts, sign);
        days.Apply(days.IndexOf(time), counts, sign);
    }
}
