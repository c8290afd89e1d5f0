namespace Monitoring.Grains.Interfaces;

/// <summary>Answers which silo it lives on: the gateway's cluster health check and the fleet tests use it.</summary>
[Alias("monitoring.cluster-probe")]
public interface IClusterProbeGrain : IGrainWithIntegerKey
{
    [Alias("where")]
    Task<string> GetSiloAsync();
}
