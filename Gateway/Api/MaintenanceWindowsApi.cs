using Monitoring.Gateway.Json;
using Monitoring.Grains.Interfaces;
using Monitoring.Grains.Interfaces.Queries;

namespace Monitoring.Gateway.Api;

/// <summary>/maintenance-windows: one-off and recurring windows during which results are marked <c>in_maintenance</c>.</summary>
public static class MaintenanceWindowsApi
{
    public static IEndpointRouteBuilder MapMaintenanceWindowsApi(this IEndpointRouteBuilder app)
    {
        var windows = app.MapGroup("/maintenance-windows").RequireAuthorization();
        windows.MapFind(Resource.MaintenanceWindows, (query, find, scope) => query.FindMaintenanceWindowsAsync(find, scope), ApiJson.Context.PageMaintenanceWindowRecord);
        windows.MapGetOne(Resource.MaintenanceWindows, (grains, id, scope) => Windows(grains).GetAsync(id, scope), ApiJson.Context.MaintenanceWindowRecord);
        windows.MapWrites(
            FieldsBinding.Window,
            (grains, fields, scope) => Windows(grains).CreateAsync(fields, scope),
            (grains, id, fields, replace, scope) => Windows(grains).ChangeAsync(id, fields, replace, scope),
            (grains, id, scope) => Windows(grains).RemoveAsync(id, scope),
            ApiJson.Context.MaintenanceWindowRecord);
        return app;
    }

    private static IMaintenanceWindowsGrain Windows(IGrainFactory grains) => grains.GetGrain<IMaintenanceWindowsGrain>(0);
}
