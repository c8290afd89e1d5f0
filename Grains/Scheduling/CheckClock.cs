namespace Monitoring.Grains.Scheduling;

/// <summary>
/// One timer for every service timer of a silo. A grain timer each (a .NET timer underneath) put every service into
/// the runtime's timer queue, which walks all of its long-term timers about three times a second: 16.5 % of a silo's
/// CPU at 50,000 services (perf, `fleet --services 50000`), growing with the fleet. Here the due times sit in one heap
/// (O(log n) to arm, nothing to do between occurrences) behind one <see cref="ITimer"/> set for the earliest of them.
/// Due entries are handed to their owners outside the lock, in due order. Entries are never removed: re-arming or
/// disarming an owner bumps its version, and an entry of an older version is dropped when it comes due.
/// </summary>
public sealed class CheckClock : IDisposable
{
    private readonly TimeProvider time;
    private readonly PriorityQueue<Entry, long> due = new();
    private readonly Lock gate = new();
    private readonly ITimer timer;
    private long timerSetFor = long.MaxValue;
    private bool disposed;

    /// <summary>A clock on <paramref name="time"/> (its monotonic timestamps and its timers, so a fake clock drives it in tests).</summary>
    public CheckClock(TimeProvider time)
    {
        this.time = time;
        timer = time.CreateTimer(static state => ((CheckClock)state!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Entries waiting (owners re-armed or disarmed since included, until they come due).</summary>
    public int Pending
    {
        get
        {
            lock (gate)
            {
                return due.Count;
            }
        }
    }

    /// <summary>
    /// Calls <paramref name="owner"/>'s <see cref="IClockOwner.OnDue"/> with <paramref name="version"/> at
    /// <paramref name="dueAt"/> (a timestamp of the clock's <see cref="TimeProvider.GetTimestamp"/>), or at once when it passed.
    /// </summary>
    public void Schedule(IClockOwner owner, long version, long dueAt)
    {
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            due.Enqueue(new Entry(owner, version), dueAt);
            if (dueAt < timerSetFor)
            {
                SetTimer(dueAt);
            }
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            disposed = true;
            due.Clear();
        }

        timer.Dispose();
    }

    private void Fire()
    {
        List<Entry>? ready = null;
        lock (gate)
        {
            timerSetFor = long.MaxValue;
            var now = time.GetTimestamp();
            while (due.TryPeek(out var entry, out var at) && at <= now)
            {
                due.Dequeue();
                (ready ??= []).Add(entry);
            }

            if (!disposed && due.TryPeek(out _, out var next))
            {
                SetTimer(next);
            }
        }

        if (ready is null)
        {
            return;
        }

        foreach (var entry in ready)
        {
            entry.Owner.OnDue(entry.Version);
        }
    }

    // Under the lock.
    private void SetTimer(long dueAt)
    {
        timerSetFor = dueAt;
        var wait = time.GetElapsedTime(time.GetTimestamp(), dueAt);
        timer.Change(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    private readonly record struct Entry(IClockOwner Owner, long Version);
}

/// <summary>What a <see cref="CheckClock"/> calls when an entry comes due (on the clock's thread: hand the work off at once).</summary>
public interface IClockOwner
{
    /// <summary>The entry scheduled with <paramref name="version"/> is due.</summary>
    void OnDue(long version);
}
