using Monitoring.Grains.Checking;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Uptime;

namespace Monitoring.UnitTests.Uptime;

public sealed class UptimeWindowEncodingTests
{
    private static readonly DateTimeOffset Now = Times.At("2026-11-27T10:17:23.456Z");

    // A version byte, then per tier its head and every slot (hours: 3 × ushort + uint; days: 3 × uint + uint) and the saturation bits.
    private const int EncodedLength = 1 + (8 + (170 * 10) + (3 * 8)) + (8 + (92 * 16) + (2 * 8));

    [Fact]
    public void Decode_restores_exactly_what_was_encoded()
    {
        var window = RandomWindow(seed: 7);

        var bytes = window.Encode();
        var restored = UptimeWindow.Decode(bytes)!;

        Assert.Equal(bytes, restored.Encode());
        Assert.Equal(window.OldestHour, restored.OldestHour);
        for (var hour = Now - TimeSpan.FromDays(10); hour <= Now + TimeSpan.FromHours(2); hour += TimeSpan.FromHours(1))
        {
            Assert.Equal(window.CoversHour(hour), restored.CoversHour(hour));
            Assert.Equal(window.TryGetHour(hour, out var expected), restored.TryGetHour(hour, out var actual));
            Assert.Equal(expected, actual);
        }

        for (var day = Now - TimeSpan.FromDays(100); day <= Now + TimeSpan.FromDays(1); day += TimeSpan.FromDays(1))
        {
            Assert.Equal(window.TryGetDay(day, out var expected), restored.TryGetDay(day, out var actual));
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void The_encoding_has_a_fixed_size_of_about_3_5_KB()
    {
        Assert.Equal(EncodedLength, new UptimeWindow().Encode().Length);
        Assert.Equal(EncodedLength, RandomWindow(seed: 1).Encode().Length);
    }

    [Fact]
    public void An_empty_window_round_trips()
    {
        var restored = UptimeWindow.Decode(new UptimeWindow().Encode())!;

        Assert.Equal(DateTimeOffset.MinValue, restored.OldestHour);
        Assert.True(restored.TryGetHour(Now, out var counts));
        Assert.Equal(default, counts);
    }

    [Fact]
    public void A_clone_is_independent_of_the_original()
    {
        var window = new UptimeWindow();
        window.Add(Now, HealthStatus.Up, 10);

        var clone = window.Clone();
        clone.Add(Now, HealthStatus.Down, 20);

        UptimeWindowTests.AssertHour(window, Now, new UptimeCounts(1, 1, 0, 10));
        UptimeWindowTests.AssertHour(clone, Now, new UptimeCounts(2, 1, 0, 30));
    }

    public static TheoryData<string, byte[]> BadEncodings()
    {
        var valid = RandomWindow(seed: 3).Encode();
        var otherVersion = (byte[])valid.Clone();
        otherVersion[0] = 3;
        return new TheoryData<string, byte[]>
        {
            { "empty", [] },
            { "version only", [1] },
            { "version 0", [0, .. valid[1..]] },
            { "version 3", otherVersion },
            { "version 1 (wider day sums)", [1, .. valid[1..]] },
            { "one byte short", valid[..^1] },
            { "half", valid[..(valid.Length / 2)] },
            { "hours only", valid[..(1 + 8 + (170 * 10) + 24)] },
        };
    }

    [Theory]
    [MemberData(nameof(BadEncodings))]
    public void Decode_answers_null_for_bytes_of_another_format(string description, byte[] bytes)
    {
        Assert.True(UptimeWindow.Decode(bytes) is null, description);
    }

    private static UptimeWindow RandomWindow(int seed)
    {
        var random = new Random(seed);
        var window = new UptimeWindow();
        for (var time = Now - TimeSpan.FromDays(120); time <= Now; time += TimeSpan.FromMinutes(random.Next(1, 240)))
        {
            window.Add(time, (HealthStatus)random.Next(3), random.Next(0, 60_000));
        }

        return window;
    }
}
