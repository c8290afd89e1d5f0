using System.Diagnostics.Metrics;

namespace Monitoring.Grains.Services;

/// <summary>
/// Bounds how many uptime snapshots a silo writes at once. Every service's first snapshot falls due 30 minutes after its
/// activation, so a mass start-up (a million grains woken within 23 minutes) brings them due together, and a mass
/// deactivation (a silo stopping with its grains, or collecting idle ones) writes one per grain together; each write
/// takes a connection of Orleans' storage pool, which the silo's membership and the activations' state reads share.
/// Measured at a million (issue 16, eighth part): unbounded, they exhausted that pool for minutes (610,000 failed
/// writes, each logged with its stack, and the silo's membership reads timing out). A periodic snapshot that finds
/// every slot taken is not written now: it stays due and is tried at the service's next timer. A deactivation's
/// snapshot waits for a slot as long as its deactivation may last; one that gets none is left out (the next
/// activation adds what was stored since the last snapshot, or rebuilds from the hourly sums).
/// Counts snapshot writes by outcome, and attempts turned away (a periodic snapshot skipped at several timers counts at
/// each), on meter "Monitoring.Uptime": <c>monitoring_uptime_snapshots_total{outcome="written"|"failed"|"skipped"}</c>.
/// </summary>
public sealed class SnapshotGate : IDisposable
{
    /// <summary>Snapshots written at once: a fifth of the storage pool's default 20 connections.</summary>
    public const int DefaultSlots = 4;

    public const string MeterName = "Monitoring.Uptime";

    private readonly SemaphoreSlim free;
    private readonly Meter meter;
    private readonly bool ownsMeter;
    private readonly Counter<long> snapshots;
    private long skipped;

    public SnapshotGate(IMeterFactory? meters = null, int slots = DefaultSlots)
    {
        free = new SemaphoreSlim(slots, slots);
        meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        ownsMeter = meters is null;
        snapshots = meter.CreateCounter<long>("monitoring.uptime.snapshots", "{snapshot}",
            "Uptime windows written to grain storage, by outcome (written; failed: the write threw; skipped: every slot was taken)");
    }

    /// <summary>Snapshots skipped because every slot was taken, since this gate was made.</summary>
    public long Skipped => Interlocked.Read(ref skipped);

    /// <summary>
    /// Runs <paramref name="write"/> when a slot is free and answers true once it has ended (its exception, if any, comes
    /// out here; the slot is freed either way); answers false at once, without running it, when every slot is taken.
    /// </summary>
    public async Task<bool> TryWriteAsync(Func<Task> write)
    {
        if (!free.Wait(0))
        {
            Skip();
            return false;
        }

        return await RunAsync(write);
    }

    /// <summary>
    /// Runs <paramref name="write"/> once a slot is free, waiting for one until <paramref name="cancellationToken"/> is
    /// cancelled: then answers false without running it (a free slot is taken even when the token is cancelled already).
    /// Answers true once <paramref name="write"/> has ended.
    /// </summary>
    public async Task<bool> WriteAsync(Func<Task> write, CancellationToken cancellationToken)
    {
        if (!free.Wait(0))
        {
            try
            {
                await free.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                Skip();
                return false;
            }
        }

        return await RunAsync(write);
    }

    /// <summary>Counts a snapshot that was written (true) or whose write failed (false).</summary>
    public void Record(bool written) => snapshots.Add(1, new KeyValuePair<string, object?>("outcome", written ? "written" : "failed"));

    public void Dispose()
    {
        // The semaphore is left to the collector: a write still running at the container's disposal releases its slot.
        if (ownsMeter)
        {
            meter.Dispose();
        }
    }

    private async Task<bool> RunAsync(Func<Task> write)
    {
        try
        {
            await write();
            return true;
        }
        finally
        {
            free.Release();
        }
    }

    private void Skip()
    {
        Interlocked.Increment(ref skipped);
        snapshots.Add(1, new KeyValuePair<string, object?>("outcome", "skipped"));
    }
}
