using Monitoring.Gateway.Json;
using Monitoring.Grains.Interfaces;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Interfaces.Queries;

namespace Monitoring.Gateway.Api;

/// <summary>/service-status: the append-only history; PATCH, PUT and DELETE answer 405.</summary>
public static class ServiceStatusApi
{
    private const string Why = "service-status is an append-only history";

    public static IEndpointRouteBuilder MapServiceStatusApi(this IEndpointRouteBuilder app)
    {
        var statuses = app.MapGroup("/service-status").RequireAuthorization();
        // A dashboard's poll of one service's first page is answered by that service's grain, from memory.
        statuses.MapFindResult<StatusRecord>(Resource.ServiceStatus, async (context, grains, find, scope) =>
        {
            if (ServiceHistoryFind.TryMatch(find, out var serviceId, out var newestFirst) && find.Select is null)
            {
                var json = await context.RequestServices.GetRequiredService<ServiceHistoryPages>().FindAsync(grains, serviceId, newestFirst, find, scope);
                return Results.Bytes(json, "application/json; charset=utf-8");
            }

            return ApiResponses.Page(await grains.GetGrain<IQueryGrain>(0).FindStatusesAsync(find, scope), ApiJson.Context.PageStatusRecord, find.Select);
        });
        statuses.MapGetOne(Resource.ServiceStatus,
            async (grains, id, scope) => ResourceEndpoints.Found(await grains.GetGrain<IQueryGrain>(0).GetStatusAsync(id, scope), id), ApiJson.Context.StatusRecord);
        statuses.MapNotAllowed("/", ["POST", "PUT", "PATCH", "DELETE"], Why);
        statuses.MapNotAllowed("/{id}", ["POST", "PUT", "PATCH", "DELETE"], Why);
        return app;
    }
}
