using System.Collections.Concurrent;
using Monitoring.Grains.Interfaces;
using Orleans.Concurrency;

namespace Monitoring.Grains.Heartbeats;

/// <summary>
/// Finds the heartbeat of a ping token by its hash, with a short cache per silo: a job pinging every second costs one
/// lookup a minute. A cached id may outlive a replaced token; the service's grain compares the hash itself and
/// refuses it then, so the cache can only be slow to find a new token, never wrong about an old one. Unknown tokens are
/// remembered for a few seconds too, so a job pinging with a wrong token (or a flood of one) costs PostgreSQL one query.
/// </summary>
[StatelessWorker]
public sealed class HeartbeatTokensGrain(HeartbeatStore store, TimeProvider time) : Grain, IHeartbeatTokensGrain
{
    private static readonly TimeSpan Keep = TimeSpan.FromMinutes(1);
    private const int MaxCached = 100_000;

    private static readonly TimeSpan KeepUnknown = TimeSpan.FromSeconds(10);

    private static readonly ConcurrentDictionary<string, (long ServiceId, DateTimeOffset Until)> Found = new(StringComparer.Ordinal);

    private static readonly ConcurrentDictionary<string, DateTimeOffset> Unknown = new(StringComparer.Ordinal);

    public async Task<long?> FindServiceAsync(byte[] tokenHash)
    {
        var key = Convert.ToBase64String(tokenHash);
        var now = time.GetUtcNow();
        if (Found.TryGetValue(key, out var cached) && cached.Until > now)
        {
            return cached.ServiceId;
        }

        if (Unknown.TryGetValue(key, out var unknownUntil) && unknownUntil > now)
        {
            return null;
        }

        var id = await store.FindServiceAsync(tokenHash);
        if (id is null)
        {
            if (Unknown.Count >= MaxCached)
            {
                Unknown.Clear();
            }

            Unknown[key] = now + KeepUnknown;
        }

        if (id is { } serviceId)
        {
            if (Found.Count >= MaxCached)
            {
                Found.Clear();
            }

            Found[key] = (serviceId, now + Keep);
        }

        return id;
    }
}
