using System.Numerics;
using System.Runtime.InteropServices;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Grains.Uptime;

/// <summary>
/// A ring of fixed-width time buckets (counts of up, degraded and all checks, and their response-time
/// sum), indexed by the absolute bucket number since the Unix epoch. The counter types are chosen per tier
/// to keep memory small; a bucket whose counter would overflow is marked saturated and answers "unknown",
/// so the caller reads it from SQL instead of reporting a wrong number.
/// </summary>
/// <remarks>
/// A struct over one byte array (the head, the counts, the sums, then the saturation bits, each 8-byte aligned): a
/// window is two of these in every active service, and objects per service are what a silo's collector walks at a
/// million (five arrays and an object per tier before; one array now). Everything that changes is in the array, so a
/// copy of the struct is the same tier.
/// </remarks>
internal readonly struct UptimeTier<TCount, TSum>
    where TCount : unmanaged, IBinaryInteger<TCount>
    where TSum : unmanaged, IBinaryInteger<TSum>
{
    private const int Total = 0;
    private const int Up = 1;
    private const int Degraded = 2;

    private const int CountsAt = sizeof(long);

    private readonly byte[] buffer;
    private readonly int sumsAt;
    private readonly int bitsAt;

    public UptimeTier(int capacity, TimeSpan width)
    {
        Capacity = capacity;
        WidthMs = (long)width.TotalMilliseconds;
        sumsAt = AlignTo8(CountsAt + (3 * capacity * TCount.Zero.GetByteCount()));
        bitsAt = AlignTo8(sumsAt + (capacity * TSum.Zero.GetByteCount()));
        buffer = new byte[bitsAt + (((capacity + 63) / 64) * sizeof(ulong))];
        SetHead(long.MinValue);
    }

    public int Capacity { get; }

    public long WidthMs { get; }

    /// <summary>The newest bucket number holding data, or long.MinValue while empty.</summary>
    public long Head => MemoryMarshal.Read<long>(buffer);

    // Counts of a slot sit together: [3 × slot + Total], [3 × slot + Up], [3 × slot + Degraded].
    private Span<TCount> Counts => MemoryMarshal.Cast<byte, TCount>(buffer.AsSpan(CountsAt, sumsAt - CountsAt));

    private Span<TSum> Sums => MemoryMarshal.Cast<byte, TSum>(buffer.AsSpan(sumsAt, bitsAt - sumsAt));

    private Span<ulong> Saturated => MemoryMarshal.Cast<byte, ulong>(buffer.AsSpan(bitsAt));

    public long IndexOf(DateTimeOffset time) => Math.DivRem(time.ToUnixTimeMilliseconds(), WidthMs, out var rem) - (rem < 0 ? 1 : 0);

    public DateTimeOffset StartOf(long index) => DateTimeOffset.FromUnixTimeMilliseconds(index * WidthMs);

    /// <summary>Whether <paramref name="index"/> is inside what the ring remembers (buckets after the head are empty, not unknown).</summary>
    public bool Covers(long index) => Head == long.MinValue || index > Head - Capacity;

    /// <summary>Adds (sign 1) or removes (sign -1) counts; buckets older than the ring are ignored.</summary>
    public void Apply(long index, UptimeCounts delta, int sign)
    {
        if (Head == long.MinValue)
        {
            SetHead(index);
        }
        else if (index > Head)
        {
            for (var clear = Math.Max(Head + 1, index - Capacity + 1); clear <= index; clear++)
            {
                Reset(Slot(clear));
            }

            SetHead(index);
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

        var counts = Counts.Slice(3 * slot, 3);
        var sums = Sums;
        try
        {
            // All four first, then stored: an overflow in any leaves the bucket as it was (and marked).
            var total = Add(counts[Total], delta.Total, sign);
            var up = Add(counts[Up], delta.Up, sign);
            var degraded = Add(counts[Degraded], delta.Degraded, sign);
            var sum = AddSum(sums[slot], delta.ResponseTimeSumMs, sign);
            counts[Total] = total;
            counts[Up] = up;
            counts[Degraded] = degraded;
            sums[slot] = sum;
        }
        catch (OverflowException)
        {
            Saturated[slot / 64] |= 1UL << (slot % 64);
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
        var slotCounts = Counts.Slice(3 * slot, 3);
        counts = new UptimeCounts(long.CreateChecked(slotCounts[Total]), long.CreateChecked(slotCounts[Up]), long.CreateChecked(slotCounts[Degraded]), long.CreateChecked(Sums[slot]));
        return true;
    }

    /// <summary>Head, then per slot total, up, degraded (TCount each) and the response-time sum (TSum), little-endian, then the saturation bits.</summary>
    public void WriteTo(BinaryWriter writer)
    {
        writer.Write(Head);
        var counts = Counts;
        var sums = Sums;
        for (var slot = 0; slot < Capacity; slot++)
        {
            Write(writer, counts[(3 * slot) + Total]);
            Write(writer, counts[(3 * slot) + Up]);
            Write(writer, counts[(3 * slot) + Degraded]);
            Write(writer, sums[slot]);
        }

        foreach (var bits in Saturated)
        {
            writer.Write(bits);
        }
    }

    /// <summary>Reads what <see cref="WriteTo"/> wrote into this (empty) tier.</summary>
    /// <exception cref="EndOfStreamException">The bytes end early.</exception>
    public void ReadFrom(BinaryReader reader)
    {
        SetHead(reader.ReadInt64());
        var counts = Counts;
        var sums = Sums;
        for (var slot = 0; slot < Capacity; slot++)
        {
            counts[(3 * slot) + Total] = Read<TCount>(reader);
            counts[(3 * slot) + Up] = Read<TCount>(reader);
            counts[(3 * slot) + Degraded] = Read<TCount>(reader);
            sums[slot] = Read<TSum>(reader);
        }

        var saturated = Saturated;
        for (var i = 0; i < saturated.Length; i++)
        {
            saturated[i] = reader.ReadUInt64();
        }
    }

    private void SetHead(long head) => MemoryMarshal.Write(buffer, in head);

    private static int AlignTo8(int bytes) => (bytes + 7) & ~7;

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

    private bool IsSaturated(int slot) => (Saturated[slot / 64] & (1UL << (slot % 64))) != 0;

    private void Reset(int slot)
    {
        Counts.Slice(3 * slot, 3).Clear();
        Sums[slot] = TSum.Zero;
        Saturated[slot / 64] &= ~(1UL << (slot % 64));
    }
}
