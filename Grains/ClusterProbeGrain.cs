using Monitoring.Grains.Interfaces;

namespace Monitoring.Grains;

/// <summary>
/// Answers which silo it runs on (readiness and /health). Callers use a random key, so probes land on every
/// silo; each activation goes as soon as it has answered, so probing adds no activations that linger.
/// </summary>
public sealed class ClusterProbeGrain : Grain, IClusterProbeGrain
{
    public Task<string> GetSiloAsync()
    {
        DeactivateOnIdle();
        return Task.FromResult(RuntimeIdentity);
    }
}
