using Monitoring.Grains.Interfaces;

namespace Monitoring.Grains;

public sealed class ClusterProbeGrain : Grain, IClusterProbeGrain
{
    public Task<string> GetSiloAsync() => Task.FromResult(RuntimeIdentity);
}
