using System.Security.Claims;
using Monitoring.Gateway.Auth;
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
        windows.MapGet("/", FindAsync);
        windows.MapGet("/{id}", GetAsync);
        windows.MapPost("/", CreateAsync);
        windows.MapPatch("/{id}", (string id, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains) => ChangeAsync(id, request, user, grains, replace: false));
        windows.MapPut("/{id}", (string id, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains) => ChangeAsync(id, request, user, grains, replace: true));
        windows.MapDelete("/{id}", RemoveAsync);
        return app;
    }

    private static async Task<IResult> FindAsync(HttpRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!QueryReading.TryRead(request, Resource.MaintenanceWindows, out var query, out var error))
        {
            return error!;
        }

        var page = await grains.GetGrain<IQueryGrain>(0).FindMaintenanceWindowsAsync(query, CallerScope.ClientId(user));
        return ApiResponses.Page(page, ApiJson.Context.PageMaintenanceWindowRecord, query.Select);
    }

    private static async Task<IResult> GetAsync(string id, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!RequestIds.TryParse(id, out var windowId, out var error) || !QueryReading.TryReadSelect(request, Resource.MaintenanceWindows, out var select, out error))
        {
            return error!;
        }

        var outcome = await grains.GetGrain<IMaintenanceWindowsGrain>(0).GetAsync(windowId, CallerScope.ClientId(user));
        return outcome.Failure is { } failure ? Errors.ErrorResults.From(failure) : ApiResponses.Record(outcome.Value!, ApiJson.Context.MaintenanceWindowRecord, select);
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        var (fields, error) = await JsonBody.ReadFieldsAsync(request, FieldsBinding.Window);
        if (fields is null)
        {
            return error!;
        }

        var outcome = await grains.GetGrain<IMaintenanceWindowsGrain>(0).CreateAsync(fields, CallerScope.ClientId(user));
        return ApiResponses.From(outcome, ApiJson.Context.MaintenanceWindowRecord, StatusCodes.Status201Created);
    }

    private static async Task<IResult> ChangeAsync(string id, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains, bool replace)
    {
        if (!RequestIds.TryParse(id, out var windowId, out var idError))
        {
            return idError!;
        }

        var (fields, error) = await JsonBody.ReadFieldsAsync(request, FieldsBinding.Window);
        if (fields is null)
        {
            return error!;
        }

        var outcome = await grains.GetGrain<IMaintenanceWindowsGrain>(0).ChangeAsync(windowId, fields, replace, CallerScope.ClientId(user));
        return ApiResponses.From(outcome, ApiJson.Context.MaintenanceWindowRecord);
    }

    private static async Task<IResult> RemoveAsync(string id, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!RequestIds.TryParse(id, out var windowId, out var error))
        {
            return error!;
        }

        var outcome = await grains.GetGrain<IMaintenanceWindowsGrain>(0).RemoveAsync(windowId, CallerScope.ClientId(user));
        return ApiResponses.From(outcome, ApiJson.Context.MaintenanceWindowRecord);
    }
}
