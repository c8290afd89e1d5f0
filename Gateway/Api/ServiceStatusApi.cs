using System.Security.Claims;
using Monitoring.Gateway.Auth;
using Monitoring.Gateway.Errors;
using Monitoring.Gateway.Json;
using Monitoring.Grains.Interfaces;
using Monitoring.Grains.Interfaces.Queries;

namespace Monitoring.Gateway.Api;

/// <summary>/service-status: the append-only history; PATCH, PUT and DELETE answer 405.</summary>
public static class ServiceStatusApi
{
    public static IEndpointRouteBuilder MapServiceStatusApi(this IEndpointRouteBuilder app)
    {
        var statuses = app.MapGroup("/service-status").RequireAuthorization();
        statuses.MapGet("/", FindAsync);
        statuses.MapGet("/{id}", GetAsync);
        statuses.MapMethods("/", ["POST", "PUT", "PATCH", "DELETE"], NotAllowed);
        statuses.MapMethods("/{id}", ["POST", "PUT", "PATCH", "DELETE"], NotAllowed);
        return app;
    }

    private static async Task<IResult> FindAsync(HttpRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!QueryReading.TryRead(request, Resource.ServiceStatus, out var query, out var error))
        {
            return error!;
        }

        var page = await grains.GetGrain<IQueryGrain>(0).FindStatusesAsync(query, CallerScope.ClientId(user));
        return ApiResponses.Page(page, ApiJson.Context.PageStatusRecord, query.Select);
    }

    private static async Task<IResult> GetAsync(string id, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!RequestIds.TryParse(id, out var statusId, out var error) || !QueryReading.TryReadSelect(request, Resource.ServiceStatus, out var select, out error))
        {
            return error!;
        }

        return await grains.GetGrain<IQueryGrain>(0).GetStatusAsync(statusId, CallerScope.ClientId(user)) is { } record
            ? ApiResponses.Record(record, ApiJson.Context.StatusRecord, select)
            : ErrorResults.NoRecord(statusId);
    }

    private static IResult NotAllowed(HttpRequest request)
    {
        var method = request.Method switch
        {
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            _ => "remove",
        };
        return ErrorResults.Error(405, $"Method `{method}` is not supported by this endpoint: service-status is an append-only history");
    }
}
