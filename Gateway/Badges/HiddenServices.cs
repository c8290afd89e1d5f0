using System.Collections.Concurrent;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Gateway.Badges;

/// <summary>
/// Service ids a badge request found not public (or not there), remembered for a minute so that keyless requests
/// for them cost no grain call (an unknown id would activate a grain and read PostgreSQL each time). A service
/// created or changed is forgotten at once, so making it public shows its badges without waiting.
/// </summary>
public sealed class HiddenServices(TimeProvider time)
{
    private const int MaxRemembered = 100_000;
    private static readonly TimeSpan Memory = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<long, long> hidden = new();

    public bool IsHidden(long serviceId) => hidden.TryGetValue(serviceId, out var until) && time.GetTimestamp() < until;

    public void Remember(long serviceId)
    {
        if (hidden.Count >= MaxRemembered)
        {
            hidden.Clear();
        }

        hidden[serviceId] = time.GetTimestamp() + (long)(Memory.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>Forgets a service that was created or changed (it may be public now).</summary>
    public void Observe(FeedEvent feedEvent)
    {
        if (feedEvent.Kind is FeedEventKind.ServiceCreated or FeedEventKind.ServicePatched && feedEvent.ServiceId is { } id)
        {
            hidden.TryRemove(id, out _);
        }
    }
}
