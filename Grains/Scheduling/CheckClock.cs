using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Monitoring.Grains.Scheduling;

/// <summary>
/// One timer for every service timer of a silo. A grain timer each (a .NET timer underneath) put every service into
/// the runtime's timer queue, which walks all of its long-term timers about three times a second: 16.5 % of a silo's
/// CPU at 50,000 services (perf, `fleet --services 50000`), growing with the fleet. Here the due times sit in one heap
/// (O(log n) to arm, nothing to do between occurrences) behind one <see cref="ITimer"/> set for the earliest of them.
/// Due tickets are handed to their owners outside the lock, in due order. Entries are never taken out of the heap: an
/// owner re-arms its one ticket (<see cref="ClockTicket.Rearm"/>: the entries of earlier armings are skipped when they
/// come due), and one that disarms <see cref="ClockTicket.Cancel"/>s it, which then holds nothing (so a dropped grain
/// is not kept in memory until its old due time).
/// </summary>
public sealed partial class CheckClock : IDisposable
{
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly PriorityQueue<(ClockTicket Ticket, int Arming), long> due = new();
    private readonly Lock gate = new();
    private readonly ITimer timer;
    private long timerSetFor = long.MaxValue;
    private bool disposed;

    /// <summary>
    /// A clock on <paramref name="time"/> (its monotonic timestamps and its timers, so a fake clock drives it in tests);
    /// <paramref name="collection"/> gives the idle age after which Orleans collects an activation (default 15 min).
    /// </summary>
    public CheckClock(TimeProvider time, IOptions<GrainCollectionOptions>? collection = null, ILogger<CheckClock>? logger = null)
    {
        this.time = time;
        this.logger = logger ?? NullLogger<CheckClock>.Instance;
        var age = collection?.Value.CollectionAge ?? TimeSpan.FromMinutes(15);
        KeepAliveMargin = (age > TimeSpan.FromMinutes(1) ? age : TimeSpan.FromMinutes(1)) + TimeSpan.FromMinutes(1);

        // The timer lives as long as the silo: it must not hold on to the execution context of whoever created it.
        using (ExecutionContext.SuppressFlow())
        {
            timer = time.CreateTimer(static state => ((CheckClock)state!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// How long past its due time an armed grain is kept from idle collection: a tick is no message, so it does not
    /// restart the grain's idle time as a keep-alive grain timer's did. At least the collection age plus a minute, so
    /// a tick late by minutes (a saturated or paused silo) or a step of the wall clock (which the keep-alive is set
    /// on) does not let the collector take a scheduled grain.
    /// </summary>
    public TimeSpan KeepAliveMargin { get; }

    /// <summary>Entries waiting in the heap (those of cancelled tickets and of earlier armings included, until they come due).</summary>
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
    /// Calls the owner of <paramref name="ticket"/> at <paramref name="dueAt"/> (a timestamp of the clock's
    /// <see cref="TimeProvider.GetTimestamp"/>), or at once when it passed, unless by then the ticket is cancelled or
    /// re-armed (its current <see cref="ClockTicket.Arming"/> is the one scheduled).
    /// </summary>
    public void Schedule(ClockTicket ticket, long dueAt)
    {
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            due.Enqueue((ticket, ticket.Arming), dueAt);
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
        List<(ClockTicket Ticket, int Arming)>? ready = null;
        lock (gate)
        {
            timerSetFor = long.MaxValue;
            var now = time.GetTimestamp();
            while (due.TryPeek(out var entry, out var at) && at <= now)
            {
                due.Dequeue();
                if (entry.Arming == entry.Ticket.Arming)
                {
                    (ready ??= []).Add(entry);
                }
            }

            if (!disposed && due.TryPeek(out _, out var next))
            {
                SetTimer(next);
            }
        }

        foreach (var (ticket, arming) in ready ?? [])
        {
            try
            {
                ticket.Owner?.OnDue(ticket, arming);
            }
            catch (Exception ex)
            {
                // On the timer's thread an exception would end the process; the other owners still get their call.
                LogOwnerFailed(logger, ex);
            }
        }
    }

    // Under the lock. Timers count whole milliseconds: round up, or a wait under 1 ms fires early again and again.
    private void SetTimer(long dueAt)
    {
        timerSetFor = dueAt;
        var wait = time.GetElapsedTime(time.GetTimestamp(), dueAt);
        timer.Change(wait > TimeSpan.Zero ? TimeSpan.FromMilliseconds(Math.Ceiling(wait.TotalMilliseconds)) : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A service timer failed to take its due call")]
    private static partial void LogOwnerFailed(ILogger logger, Exception exception);
}

/// <summary>
/// An <see cref="IClockOwner"/>'s place on a <see cref="CheckClock"/>, kept from one arming to the next: a ticket per
/// arming lived until its due time (minutes) and died in the old generation, at a million services thousands of times a
/// second.
/// </summary>
public sealed class ClockTicket(IClockOwner owner)
{
    private volatile IClockOwner? owner = owner;
    private int arming;

    /// <summary>Who is called when the ticket comes due; null once cancelled.</summary>
    public IClockOwner? Owner => owner;

    /// <summary>The current arming: only the entry scheduled with it calls the owner.</summary>
    public int Arming => Volatile.Read(ref arming);

    /// <summary>A new arming (schedule it next): what was scheduled before calls nobody. From the owner's one thread at a time.</summary>
    public int Rearm() => Interlocked.Increment(ref arming);

    /// <summary>The owner disarmed: this ticket calls nobody, and no longer holds the owner (take a new one to arm again).</summary>
    public void Cancel() => owner = null;
}

/// <summary>What a <see cref="CheckClock"/> calls when a ticket comes due (on the clock's thread: hand the work off at once).</summary>
public interface IClockOwner
{
    /// <summary>
    /// <paramref name="ticket"/> (one this owner scheduled and has not cancelled) is due for <paramref name="arming"/>,
    /// which was its current arming a moment ago (compare again on the owner's own thread).
    /// </summary>
    void OnDue(ClockTicket ticket, int arming);
}
