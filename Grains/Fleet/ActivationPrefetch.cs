using System.Collections.Concurrent;
using Monitoring.Grains.Data;
using Monitoring.Grains.History;

namespace Monitoring.Grains.Fleet;

/// <summary>
/// What a sweep read for the services it is about to wake on this silo (<see cref="ServiceStore.LoadManyAsync"/>, a
/// thousand per query), taken by each grain's activation instead of a read of its own: at a million services the
/// per-activation read was a round trip, a connection of the pool and three statements' start-up in PostgreSQL each
/// (issue 16). With the row comes the grain's stored state and what completes its uptime window
/// (<see cref="PrefetchedState"/>): Orleans reads the state before the activation begins (through
/// <see cref="PrefetchedGrainStorage"/>, which serves it from here), and the window is restored from it. One per silo.
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

    private readonly ConcurrentDictionary<long, Entry> entries = new();
    private long taken;
    private long abandoned;

    /// <summary>How many entries (reserved or filled) wait for their activation now.</summary>
    public int Count => entries.Count;

    /// <summary>How many activations took an entry since the silo started.</summary>
    public long Taken => Interlocked.Read(ref taken);

    /// <summary>Reserves entries for <paramref name="serviceIds"/> before their rows are read (see the remarks).</summary>
    public void Reserve(IEnumerable<long> serviceIds)
    {
        // One reservation for the batch, holding how many deactivations had abandoned work before the read.
        var reserved = new Entry(null, null, false, default, default, 0, Volatile.Read(ref abandoned));
        foreach (var id in serviceIds)
        {
            entries[id] = reserved;
        }
    }

    /// <summary>
    /// A deactivation on this silo ran out of time before its checks or incident steps were done: what they store later
    /// was not in any history read before now (see <see cref="AloneSince"/>).
    /// </summary>
    public void Abandoned() => Interlocked.Increment(ref abandoned);

    /// <summary>
    /// Fills the entries of <paramref name="reserved"/> whose reservation still stands with what was read for them in
    /// <paramref name="services"/> (by id) at <paramref name="readAt"/>, after the writer's replays stood at
    /// <paramref name="replays"/> and under membership version <paramref name="version"/>, with each one's stored state
    /// from <paramref name="states"/> when it was read; a reserved id with no row read (gone, or the read failed) loses
    /// its reservation.
    /// </summary>
    public void Offer(IEnumerable<long> reserved, IReadOnlyDictionary<long, StoredService> services, ReplayMark replays, DateTimeOffset readAt, long version,
        IReadOnlyDictionary<long, PrefetchedState>? states = null)
    {
        foreach (var id in reserved)
        {
            if (!entries.TryGetValue(id, out var held) || held.Service is not null)
            {
                continue;
            }

            if (services.TryGetValue(id, out var service))
            {
                entries.TryUpdate(id, new Entry(service, states?.GetValueOrDefault(id), false, replays, readAt, version, held.Abandoned), held);
            }
            else
            {
                entries.TryRemove(new KeyValuePair<long, Entry>(id, held));
            }
        }
    }

    /// <summary>
    /// Serves the stored state read for <paramref name="serviceId"/> to Orleans' read of it at activation
    /// (<see cref="PrefetchedGrainStorage"/>): false when there is none, or its entry is only reserved, older than
    /// <see cref="MaxAge"/>, read under another membership version or served already (read it from storage). The entry
    /// stays for <see cref="TryTake(long, out StoredService, out ReplayMark, out DateTimeOffset, out FleetMark, out PrefetchedUptime?)"/>,
    /// which hands out its uptime part only when its state was served.
    /// </summary>
    public bool TryServeState(long serviceId, out PrefetchedState state)
    {
        while (entries.TryGetValue(serviceId, out var entry) && entry.State is { } read && !entry.StateServed && Fresh(entry))
        {
            if (entries.TryUpdate(serviceId, entry with { StateServed = true }, entry))
            {
                state = read;
                return true;
            }
        }

        state = null!;
        return false;
    }

    /// <summary>
    /// Takes the entry of <paramref name="serviceId"/>: false when there is none, it is only reserved, older than
    /// <see cref="MaxAge"/> or read under another membership version (read it as usual). Either way it is gone.
    /// <paramref name="fleet"/> marks the fleet as it was read under, while no other silo was alive (see
    /// <see cref="AloneSince"/>); <paramref name="uptime"/> is what completes the uptime window of the state served
    /// with it (<see cref="TryServeState"/>), null when the state was read from storage.
    /// </summary>
    public bool TryTake(long serviceId, out StoredService service, out ReplayMark replays, out DateTimeOffset readAt, out FleetMark fleet, out PrefetchedUptime? uptime)
    {
        if (entries.TryRemove(serviceId, out var entry) && entry.Service is { } read && Fresh(entry))
        {
            Interlocked.Increment(ref taken);
            (service, replays, readAt, fleet) = (read, entry.Replays, entry.ReadAt, new FleetMark(entry.Version, entry.Abandoned));
            uptime = entry.StateServed ? entry.State?.Uptime : null;
            return true;
        }

        (service, replays, readAt, fleet, uptime) = (null!, default, default, default, null);
        return false;
    }

    /// <summary>As the six-argument overload, without the uptime part.</summary>
    public bool TryTake(long serviceId, out StoredService service, out ReplayMark replays, out DateTimeOffset readAt, out FleetMark fleet) =>
        TryTake(serviceId, out service, out replays, out readAt, out fleet, out _);

    private bool Fresh(Entry entry) => time.GetUtcNow() - entry.ReadAt <= MaxAge && entry.Version == membershipVersion();

    /// <summary>
    /// Whether nothing but the service's own grain on this silo can have stored its results since a taken entry's read
    /// (<paramref name="fleet"/>): the membership is at the same version (the sweep reads only while this silo is the
    /// fleet's one live member, and any join changes it) and no deactivation here has abandoned work since.
    /// Not seen here: a silo that replays its journal before it joins the membership, or one declared dead that still
    /// runs; the caller bounds how long it relies on this.
    /// </summary>
    public bool AloneSince(FleetMark fleet) => membershipVersion() == fleet.Version && Volatile.Read(ref abandoned) == fleet.Abandoned;

    /// <summary>Withdraws the entry (or reservation) of <paramref name="serviceId"/>, if there is one.</summary>
    public void Withdraw(long serviceId) => entries.TryRemove(serviceId, out _);

    private sealed record Entry(StoredService? Service, PrefetchedState? State, bool StateServed, ReplayMark Replays, DateTimeOffset ReadAt, long Version, long Abandoned);
}

/// <summary>The fleet as a prefetched read saw it: its membership version and this silo's count of abandoning deactivations.</summary>
public readonly record struct FleetMark(long Version, long Abandoned);
