using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Interfaces.Queries;

namespace Monitoring.Grains.Interfaces;

/// <summary>
/// Finds over the tables (the read side): parameterised SQL built from a parsed <see cref="FindQuery"/>.
/// A stateless worker: use key 0. A non-null scope restricts every find to that client's rows.
/// </summary>
[Alias("monitoring.query")]
public interface IQueryGrain : IGrainWithIntegerKey
{
    [Alias("find-clients")]
    Task<Page<ClientRecord>> FindClientsAsync(FindQuery query, long? scopeClientId);

    [Alias("find-services")]
    Task<Page<ServiceRecord>> FindServicesAsync(FindQuery query, long? scopeClientId);

    [Alias("find-service-ids")]
    Task<Page<long>> FindServiceIdsAsync(FindQuery query, long? scopeClientId);

    [Alias("find-statuses")]
    Task<Page<StatusRecord>> FindStatusesAsync(FindQuery query, long? scopeClientId);

    [Alias("get-status")]
    Task<StatusRecord?> GetStatusAsync(long id, long? scopeClientId);
}
