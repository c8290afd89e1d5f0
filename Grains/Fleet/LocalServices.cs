using System.Collections.Concurrent;

namespace Monitoring.Grains.Fleet;

/// <summary>
/// The ids of the service grains active on this silo with a service behind them: what
/// <see cref="ServiceHandOver"/> moves before the silo leaves. One per silo; about 40 bytes per service.
/// </summary>
public sealed class LocalServices
{
    private readonly ConcurrentDictionary<long, byte> ids = new();

    /// <summary>How many are active here now.</summary>
    public int Count => ids.Count;

    /// <summary>Called once the grain has loaded its service.</summary>
    public void Add(long serviceId) => ids.TryAdd(serviceId, 0);

    /// <summary>Called when the grain deactivates (or its service is removed).</summary>
    public void Remove(long serviceId) => ids.TryRemove(serviceId, out _);

    /// <summary>The ids active now, in no particular order.</summary>
    public IReadOnlyList<long> Snapshot() => ids.Keys.ToList();
}
