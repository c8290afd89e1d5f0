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
/// An entry must say what the grain would read itself. A service's row, results and incidents are written by its own
/// grain (and a client's delete removes the rows of the services it still has, then withdraws their entries), so the
/// sweep reads only for grains active nowhere: only while no other silo of the fleet is alive (any status but dead),
/// and not for the grains active here. Then an entry goes stale only if the grain activates, changes something and
/// goes while the entry waits. Against that, the ids are reserved before the read (<see cref="Reserve"/>) and an
/// entry is filled only while its reservation stands; any activation takes or withdraws the entry of its id (one
/// arriving by migration throws it away: it carries what its old silo knew), a deactivation withdraws it when it
/// begins and again when its last writes are done, the sweep withdraws it when the wake call returns; and an entry is
/// not taken once it is older than <see cref="MaxAge"/> or the fleet's membership has changed since its read. The
/// writer's replay mark is taken before the read, as an activation takes its own.
/// </remarks>
public sealed class ActivationPrefetch(TimeProvider time, Func<long> membershipVersion)
{
    /// <summary>How long after its read an entry may stand in for an activation's own read.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(10);

    private static readonly Entry Reserved = new(null, default, default, 0);

    private readonly ConcurrentDictionary<long, Entry> entries = new();
    private long taken;

    /// <summary>How many entries (reserved or filled) wait for their activation now.</summary>
    public int Count => entries.Count;

    /// <summary>How many activations took an entry since the silo started.</summary>
    public long Taken => Interlocked.Read(ref taken);

    /// <summary>Reserves entries for <paramref name="serviceIds"/> before their rows are read (see the remarks).</summary>
    public void Reserve(IEnumerable<long> serviceIds)
    {
        foreach (var id in serviceIds)
        {
            entries[id] = Reserved;
        }
    }

    /// <summary>
    /// Fills the entries of <paramref name="reserved"/> whose reservation still stands with what was read for them in
    /// <paramref name="services"/> (by id) at <paramref name="readAt"/>, after the writer's replays stood at
    /// <paramref name="replays"/> and under membership version <paramref name="version"/>; a reserved id with no row
    /// read (gone, or the read failed) loses its reservation.
    /// </summary>
    public void Offer(IEnumerable<long> reserved, IReadOnlyDictionary<long, StoredService> services, ReplayMark replays, DateTimeOffset readAt, long version)
    {
        foreach (var id in reserved)
        {
            if (services.TryGetValue(id, out var service))
            {
                entries.TryUpdate(id, new Entry(service, replays, readAt, version), Reserved);
            }
            else
            {
                entries.TryRemove(new KeyValuePair<long, Entry>(id, Reserved));
            }
        }
    }

    /// <summary>
    /// Takes the entry of <paramref name="serviceId"/>: false when there is none, it is only reserved, older than
    /// <see cref="MaxAge"/> or read under another membership version (read it as usual). Either way it is gone.
    /// <paramref name="version"/> is the membership version it was read under, while no other silo was alive (see
    /// <see cref="AloneSince"/>).
    /// </summary>
    public bool TryTake(long serviceId, out StoredService service, out ReplayMark replays, out DateTimeOffset readAt, out long version)
    {
        if (entries.TryRemove(serviceId, out var entry) && entry.Service is { } read
            && time.GetUtcNow() - entry.ReadAt <= MaxAge && entry.Version == membershipVersion())
        {
            Interlocked.Increment(ref taken);
            (service, replays, readAt, version) = (read, entry.Replays, entry.ReadAt, entry.Version);
            return true;
        }

        (service, replays, readAt, version) = (null!, default, default, 0);
        return false;
    }

    /// <summary>
    /// Whether the fleet's membership is still at <paramref name="version"/>, that of a taken entry's read: as the sweep
    /// reads only while this silo is the fleet's one live member, no other silo has joined since (any join changes it).
    /// </summary>
    public bool AloneSince(long version) => membershipVersion() == version;

    /// <summary>Withdraws the entry (or reservation) of <paramref name="serviceId"/>, if there is one.</summary>
    public void Withdraw(long serviceId) => entries.TryRemove(serviceId, out _);

    private sealed record Entry(StoredService? Service, ReplayMark Replays, DateTimeOffset ReadAt, long Version);
}
