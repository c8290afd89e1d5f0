using System.Numerics;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Grains.Uptime;

/// <summary>
/// A ring of fixed-width time buckets (counts of up, degraded and all checks, and their response-time
/// sum), indexed by the absolute bucket number since the Unix epoch. The counter types are chosen per tier
/// to keep memory small; a bucket whose counter would overflow is marked saturated and answers "unknown",
/// so the caller reads it from SQL instead of reporting a wrong number.
/// </summary>
internal sealed class UptimeTier<TCount, TSum>
    where TCount : unmanaged, IBinaryInteger<TCount>
    where TSum : unmanaged, IBinaryInteger<TSum>
{
    private readonly TCount[] total;
    private readonly TCount[] up;
    private readonly TCount[] degraded;
    private readonly TSum[] responseTime;
    private readonly ulong[] saturated;

    public UptimeTier(int capacity, TimeSpan width)
    {
        Capacity = capacity;
        WidthMs = (long)width.TotalMilliseconds;
        total = new TCount[capacity];
        up = new TCount[capacity];
        degraded = new TCount[capacity];
        responseTime = new TSum[capacity];
        saturated = new ulong[(capacity + 63) / 64];
    }

    public int Capacity { get; }

    public long WidthMs { get; }

    /// <summary>The newest bucket number holding data, or long.MinValue while empty.</summary>
    public long Head { get; private set; } = long.MinValue;

    public long IndexOf(DateTimeOffset time) => Math.DivRem(time.ToUnixTimeMilliseconds(), WidthMs, out var rem) - (rem < 0 ? 1 : 0);

    public DateTimeOffset StartOf(long index) => DateTimeOffset.FromUnixTimeMilliseconds(index * WidthMs);

    /// <summary>Whether <paramref name="index"/> is inside what the ring remembers (buckets after the head are empty, not unknown).</summary>
    public bool Covers(long index) => Head == long.MinValue || index > Head - Capacity;

    /// <summary>Adds (sign 1) or removes (sign -1) counts; buckets older than the ring are ignored.</summary>
    public void Apply(long index, UptimeCounts delta, int sign)
    {
        if (Head == long.MinValue)
        {
            Head = index;
        }
        else if (index > Head)
        {
            for (var clear = Math.Max(Head + 1, index - Capacity + 1); clear <= index; clear++)
            {
                Reset(Slot(clear));
            }

            Head = index;
        }
        else if (index <= Head - Capacity)
        {
            return;
        }

        var slot = Slot(index);
        if (IsSaturated(slot))
        {
            return;
        }

        try
        {
            checked
            {
                total[slot] = Add(total[slot], delta.Total, sign);
                up[slot] = Add(up[slot], delta.Up, sign);
                degraded[slot] = Add(degraded[slot], delta.Degraded, sign);
                responseTime[slot] = AddSum(responseTime[slot], delta.ResponseTimeSumMs, sign);
            }
        }
        catch (OverflowException)
        {
            saturated[slot / 64] |= 1UL << (slot % 64);
        }
    }

    /// <summary>The counts of bucket <paramref name="index"/>, or false when the ring cannot tell (too old, or saturated).</summary>
    public bool TryGet(long index, out UptimeCounts counts)
    {
        counts = default;
        if (Head == long.MinValue || index > Head)
        {
            return true;
        }

        if (index <= Head - Capacity || IsSaturated(Slot(index)))
        {
            return false;
        }

        var slot = Slot(index);
        counts = new UptimeCounts(long.CreateChecked(total[slot]), long.CreateChecked(up[slot]), long.CreateChecked(degraded[slot]), long.CreateChecked(responseTime[slot]));
        return true;
    }

    public void WriteTo(BinaryWriter writer)
    {
        writer.Write(Head);
        for (var slot = 0; slot < Capacity; slot++)
        {
            Write(writer, total[slot]);
            Write(writer, up[slot]);
            Write(writer, degraded[slot]);
            Write(writer, responseTime[slot]);
        }

        foreach (var bits in saturated)
        {
            writer.Write(bits);
        }
    }

    public void ReadFrom(BinaryReader reader)
    {
        Head = reader.ReadInt64();
        for (var slot = 0; slot < Capacity; slot++)
        {
            total[slot] = Read<TCount>(reader);
            up[slot] = Read<TCount>(reader);
            degraded[slot] = Read<TCount>(reader);
            responseTime[slot] = Read<TSum>(reader);
        }

        for (var i = 0; i < saturated.Length; i++)
        {
            saturated[i] = reader.ReadUInt64();
        }
    }

    private static void Write<T>(BinaryWriter writer, T value)
        where T : unmanaged, IBinaryInteger<T>
    {
        Span<byte> bytes = stackalloc byte[value.GetByteCount()];
        value.WriteLittleEndian(bytes);
        writer.Write(bytes);
    }

    private static T Read<T>(BinaryReader reader)
        where T : unmanaged, IBinaryInteger<T>
    {
        Span<byte> bytes = stackalloc byte[T.Zero.GetByteCount()];
        if (reader.Read(bytes) != bytes.Length)
        {
            throw new EndOfStreamException();
        }

        return T.ReadLittleEndian(bytes, isUnsigned: true);
    }

    private static TCount Add(TCount value, long delta, int sign) =>
        sign > 0 ? checked(value + TCount.CreateChecked(delta)) : checked(value - TCount.CreateChecked(delta));

    private static TSum AddSum(TSum value, long delta, int sign) =>
        sign > 0 ? checked(value + TSum.CreateChecked(delta)) : checked(value - TSum.CreateChecked(delta));

    private int Slot(long index) => (int)(((index % Capacity) + Capacity) % Capacity);

    private bool IsSaturated(int slot) => (saturated[slot / 64] & (1UL << (slot % 64))) != 0;

    private void Reset(int slot)
    {
        total[slot] = TCount.Zero;
        up[slot] = TCount.Zero;
        degraded[slot] = TCount.Zero;
        responseTime[slot] = TSum.Zero;
        saturated[slot / 64] &= ~(1UL << (slot % 64));
    }
}
