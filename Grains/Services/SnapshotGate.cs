namespace Monitoring.Grains.Services;

/// <summary>
/// Bounds how many periodic uptime snapshots a silo writes at once. Every service's first snapshot falls due 30 minutes
/// after its activation, so a mass start-up (a million grains woken within 23 minutes) brings them due together; each
/// write takes a connection of Orleans' storage pool, which the silo's membership and the activations' state reads
/// share. Measured at a million (issue 16, eighth part): unbounded, they exhausted that pool for minutes (610,000
/// failed writes, each logged with its stack, and the silo's membership reads timing out). A due snapshot that finds
/// every slot taken is not written now: it stays due and is tried at the service's next timer.
/// </summary>
public sealed class SnapshotGate(int slots = SnapshotGate.DefaultSlots)
{
    /// <summary>Snapshots written at once: a fifth of the storage pool's default 20 connections.</summary>
    public const int DefaultSlots = 4;

    private readonly SemaphoreSlim free = new(slots, slots);

    /// <summary>
    /// Runs <paramref name="write"/> when a slot is free and answers true once it has ended (its exception, if any, comes
    /// out here; the slot is freed either way); answers false at once, without running it, when every slot is taken.
    /// </summary>
    public async Task<bool> TryWriteAsync(Func<Task> write)
    {
        if (!free.Wait(0))
        {
            return false;
        }

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
}
