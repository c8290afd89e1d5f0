namespace Monitoring.Grains.Interfaces;

/// <summary>Finds the heartbeat service a ping token belongs to, by the token's SHA-256. A stateless worker on every silo.</summary>
[Alias("monitoring.heartbeat-tokens")]
public interface IHeartbeatTokensGrain : IGrainWithIntegerKey
{
    /// <summary>The service id whose token hashes to <paramref name="tokenHash"/> (32 bytes), or null.</summary>
    [Alias("find")]
    Task<long?> FindServiceAsync(byte[] tokenHash);
}
