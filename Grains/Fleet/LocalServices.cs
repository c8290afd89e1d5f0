using System.Collections.Concurrent;

namespace Monitoring.Grains.Fleet;

/// <summary>
/// The ids of the service grains active on this silo with a service behind them: what
/// <see cref="ServiceHandOver"/> moves before the silo leaves, and whether it is leaving (a grain that
/// activates here meanwhile, because a call raced the hand-over, moves on by itself). One per silo; about
/// 40 bytes per service.
/// </summary>
public sealed class LocalServices
{
    private readonly ConcurrentDictionary<long, byte> ids = new();

    /// <summary>How many are active here now.</summary>
    public int Count => ids.Count;

    /// <summary>Whether the grain of <paramref name="serviceId"/> is active here with its service loaded.</summary>
    public bool Contains(long serviceId) => ids.ContainsKey(serviceId);

    /// <summary>Called once the grain has loaded its service.</summary>
    public void Add(long serviceId) => ids.TryAdd(serviceId, 0);

    /// <summary>Called when the grain deactivates (or its service is removed).</summary>
    public void Remove(long serviceId) => ids.TryRemove(serviceId, out _);

    /// <summary>The ids active now, in no particular order.</summary>
    public IReadOnlyList<long> Snapshot() => ids.Keys.ToList();

    /// <summary>The silos a stopping silo hands its services to; null while it is not stopping.</summary>
    public IReadOnlyList<SiloAddress>? DrainTargets { get; private set; }

    /// <summary>From now on, service grains activated here move on at once (see <see cref="TargetFor"/>).</summary>
    public void StartDraining(IReadOnlyList<SiloAddress> targets) => DrainTargets = targets;

    /// <summary>Where service <paramref name="serviceId"/> goes when this silo is draining, by <c>id mod N</c>; null otherwise.</summary>
    public SiloAddress? TargetFor(long serviceId) =>
        DrainTargets is { Count: > 0 } targets ? targets[WakeShare.Slot(serviceId, targets.Count)] : null;
}
