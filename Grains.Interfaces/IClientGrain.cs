using Monitoring.Grains.Interfaces.Models;
using Orleans.Concurrency;

namespace Monitoring.Grains.Interfaces;

/// <summary>
/// One client, keyed by its id. Creating a service goes through it (it reserves the service id and
/// refuses creates while the client is being removed); removing it removes every service through the
/// service's own grain.
/// </summary>
[Alias("monitoring.client")]
public interface IClientGrain : IGrainWithIntegerKey
{
    [Alias("get")]
    Task<Outcome<ClientRecord>> GetAsync(long? scopeClientId);

    [Alias("patch")]
    Task<Outcome<ClientRecord>> PatchAsync(ClientFields fields, long? scopeClientId);

    /// <summary>Replaces every writable field (a Feathers update): what the body omits becomes null.</summary>
    [Alias("replace")]
    Task<Outcome<ClientRecord>> ReplaceAsync(ClientFields fields, long? scopeClientId);

    [Alias("remove")]
    Task<Outcome<ClientRecord>> RemoveAsync(long? scopeClientId);

    [Alias("create-service"), AlwaysInterleave]
    Task<Outcome<ServiceRecord>> CreateServiceAsync(ServiceFields fields);
}
