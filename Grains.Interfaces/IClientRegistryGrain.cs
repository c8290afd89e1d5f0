using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Grains.Interfaces;

/// <summary>Creates clients (the database assigns the id). A stateless worker: use key 0.</summary>
[Alias("monitoring.client-registry")]
public interface IClientRegistryGrain : IGrainWithIntegerKey
{
    [Alias("create")]
    Task<Outcome<ClientRecord>> CreateAsync(ClientFields fields);
}
