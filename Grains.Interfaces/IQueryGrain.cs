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

    [Alias("find-incidents")]
    Task<Page<IncidentRecord>> FindIncidentsAsync(FindQuery query, long? scopeClientId);

    [Alias("get-incident")]
    Task<IncidentRecord?> GetIncidentAsync(long id, long? scopeClientId);

    [Alias("find-alert-channels")]
    Task<Page<AlertChannelRecord>> FindChannelsAsync(FindQuery query, long? scopeClientId);

    [Alias("find-alert-deliveries")]
    Task<Page<DeliveryRecord>> FindDeliveriesAsync(FindQuery query, long? scopeClientId);

    [Alias("get-alert-delivery")]
    Task<DeliveryRecord?> GetDeliveryAsync(long id, long? scopeClientId);

    [Alias("find-maintenance-windows")]
    Task<Page<MaintenanceWindowRecord>> FindMaintenanceWindowsAsync(FindQuery query, long? scopeClientId);

    [Alias("find-status-pages")]
    Task<Page<StatusPageRecord>> FindStatusPagesAsync(FindQuery query, long? scopeClientId);
}
