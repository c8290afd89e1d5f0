using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Grains.Interfaces;

/// <summary>Writes of maintenance-windows (a stateless worker: use key 0); a client-scoped caller sees and writes only its client's.</summary>
[Alias("monitoring.maintenance-windows")]
public interface IMaintenanceWindowsGrain : IGrainWithIntegerKey
{
    [Alias("create")]
    Task<Outcome<MaintenanceWindowRecord>> CreateAsync(MaintenanceWindowFields fields, long? scopeClientId);

    [Alias("get")]
    Task<Outcome<MaintenanceWindowRecord>> GetAsync(long id, long? scopeClientId);

    [Alias("change")]
    Task<Outcome<MaintenanceWindowRecord>> ChangeAsync(long id, MaintenanceWindowFields fields, bool replace, long? scopeClientId);

    [Alias("remove")]
    Task<Outcome<MaintenanceWindowRecord>> RemoveAsync(long id, long? scopeClientId);
}
