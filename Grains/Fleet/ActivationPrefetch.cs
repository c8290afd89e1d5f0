using System.Collections.Concurrent;
using Monitoring.Grains.Data;
using Monitoring.Grains.History;

namespace Monitoring.Grains.Fleet;

/// <summary>
/// What a sweep read for the services it is about to wake on this silo (<see cref="ServiceStore.LoadManyAsync"/>, a
/// thousand per query), taken by each grain's activation instead of a read of its own: at a million services the
/// per-activation read was a round trip, a connection of the pool and three statements' planning and start-up in
/// PostgreSQL each (issue 16). One per silo.
/// </summary>
/// <remarks>
/// An entry is offered just before its service's wake call and withdrawn when the call returns, used or not, so what
/// an activation takes was read at most one batch's wake earlier; and only a service whose grain is not active
/// anywhere is activated by the call, and nothing but its own grain writes its row, its results (the mark of the
/// writer's replays is taken before the read, as an activation takes its own) and its incidents. A grain that
/// arrives by migration does not take one: it carries what its old silo knew.
/// </remarks>
public sealed class ActivationPrefetch
{
    private readonly ConcurrentDictionary<long, (StoredService Service, ReplayMark Replays)> entries = new();

    /// <summary>How many entries wait for their activation now.</summary>
    public int Count => entries.Count;

    /// <summary>Offers what was read for <paramref name="services"/> (by id) after the writer's replays stood at <paramref name="replays"/>.</summary>
    public void Offer(IReadOnlyDictionary<long, StoredService> services, ReplayMark replays)
    {
        foreach (var (id, service) in services)
        {
            entries[id] = (service, replays);
        }
    }

    /// <summary>Takes the entry of <paramref name="serviceId"/>: false when there is none (read it as usual).</summary>
    public bool TryTake(long serviceId, out StoredService service, out ReplayMark replays)
    {
        if (entries.TryRemove(serviceId, out var entry))
        {
            (service, replays) = entry;
            return true;
        }

        (service, replays) = (null!, default);
        return false;
    }

    /// <summary>Withdraws the entry of <paramref name="serviceId"/>, if its activation did not take it (its wake call returned).</summary>
    public void Withdraw(long serviceId) => entries.TryRemove(serviceId, out _);
}
