using System.Collections.Concurrent;
using Monitoring.Grains.Data;
using Monitoring.Grains.History;

namespace Monitoring.Grains.Fleet;

/// <summary>
/// What a sweep read for the services it is about to wake on this silo (<see cref="ServiceStore.LoadManyAsync"/>, a
/// thousand per query), taken by each grain's activation instead of a read of its own: at a million services the
/// per-activation read was a round trip, a connection of the pool and three statements' start-up in PostgreSQL each
/// (issue 16). One per silo.
/// </summary>
/// <remarks>
/// An entry must say what the grain would read itself, so it is read only for a service whose grain is active nowhere:
/// the sweep reads only while its silo is the fleet's only active one, and leaves out the grains active on it. Nothing
/// but a service's own grain writes its row, its results (the mark of the writer's replays is taken before the read,
/// as an activation takes its own) and its incidents; so an entry goes stale only if the grain activates after the
/// read, changes something and deactivates before the sweep's wake call. Against that: an activation takes or
/// withdraws the entry of its id (one arriving by migration withdraws it, and carries what its old silo knew), a
/// deactivation withdraws it (an activation already under way when the entry was offered), the sweep withdraws it when
/// its wake call returns, and an entry older than <see cref="MaxAge"/> is not taken.
/// </remarks>
public sealed class ActivationPrefetch(TimeProvider time)
{
    /// <summary>How long after its read an entry may stand in for an activation's own read.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<long, Entry> entries = new();

    /// <summary>How many entries wait for their activation now.</summary>
    public int Count => entries.Count;

    /// <summary>
    /// Offers what was read for <paramref name="services"/> (by id) at <paramref name="readAt"/>, started after the
    /// writer's replays stood at <paramref name="replays"/>.
    /// </summary>
    public void Offer(IReadOnlyDictionary<long, StoredService> services, ReplayMark replays, DateTimeOffset readAt)
    {
        foreach (var (id, service) in services)
        {
            entries[id] = new Entry(service, replays, readAt);
        }
    }

    /// <summary>
    /// Takes the entry of <paramref name="serviceId"/>: false when there is none or it is older than <see cref="MaxAge"/>
    /// (read it as usual). Either way the entry is gone.
    /// </summary>
    public bool TryTake(long serviceId, out StoredService service, out ReplayMark replays, out DateTimeOffset readAt)
    {
        if (entries.TryRemove(serviceId, out var entry) && time.GetUtcNow() - entry.ReadAt <= MaxAge)
        {
            (service, replays, readAt) = (entry.Service, entry.Replays, entry.ReadAt);
            return true;
        }

        (service, replays, readAt) = (null!, default, default);
        return false;
    }

    /// <summary>Withdraws the entry of <paramref name="serviceId"/>, if there is one.</summary>
    public void Withdraw(long serviceId) => entries.TryRemove(serviceId, out _);

    private sealed record Entry(StoredService Service, ReplayMark Replays, DateTimeOffset ReadAt);
}
