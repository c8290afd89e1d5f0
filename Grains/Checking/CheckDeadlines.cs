using System.Collections.Concurrent;

namespace Monitoring.Grains.Checking;

/// <summary>
/// The cancellation of checks at their timeout, without a .NET timer per check. Every check made and disposed a timer
/// for its timeout, and .NET's timer queue takes a lock for both: at a million services that lock was among the silo's
/// most contended (docs/PERFORMANCE.md, issue 16's eighth part). Here the checks whose timeouts end within the same
/// <see cref="Tick"/> share one source, so a silo makes about one timer per tick per timeout value instead of one per
/// check. A token is cancelled no earlier than its timeout and at most one tick after it; a check that finishes past its
/// timeout before the token fires is still judged timed out by its own stopwatch (the checkers do that).
/// </summary>
public sealed class CheckDeadlines(TimeProvider time)
{
    /// <summary>How late a shared deadline may fire after a check's own timeout: 50 ms.</summary>
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(50);

    private readonly ConcurrentDictionary<long, CancellationTokenSource> bySlot = new();
    private readonly Lock creating = new();

    /// <summary>Sources not yet fired (a fired one leaves at once): one per tick in which some check's timeout ends.</summary>
    public int Pending => bySlot.Count;

    /// <summary>A token cancelled between <paramref name="timeout"/> and <paramref name="timeout"/> + <see cref="Tick"/> from now.</summary>
    public CancellationToken After(TimeSpan timeout)
    {
        var now = time.GetTimestamp();
        var tick = Math.Max(1, (long)(Tick.TotalSeconds * time.TimestampFrequency));
        var dueAt = now + (long)Math.Ceiling(timeout.TotalSeconds * time.TimestampFrequency);
        var slot = (dueAt + tick - 1) / tick;
        if (bySlot.TryGetValue(slot, out var shared))
        {
            return shared.Token;
        }

        lock (creating)
        {
            if (bySlot.TryGetValue(slot, out shared))
            {
                return shared.Token;
            }

            shared = new CancellationTokenSource(TimeSpan.FromSeconds((double)(slot * tick - now) / time.TimestampFrequency), time);
            bySlot[slot] = shared;
            // Not disposed: checks may still link to its token; a fired one-shot timer holds nothing but its garbage.
            shared.Token.Register(() => bySlot.TryRemove(slot, out _));
            return shared.Token;
        }
    }
}
