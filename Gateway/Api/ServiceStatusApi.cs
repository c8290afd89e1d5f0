using Monitoring.Gateway.Json;
using Monitoring.Grains.Interfaces;
using Monitoring.Grains.Interfaces.Queries;

namespace Monitoring.Gateway.Api;

/// <summary>/service-status: the append-only history; PATCH, PUT and DELETE answer 405.</summary>
public static class ServiceStatusApi
{
    private const string Why = "service-status is an append-only history";

    public static IEndpointRouteBuilder MapServiceStatusApi(this IEndpointRouteBuilder app)
    {
        var statuses = app.MapGroup("/service-status").RequireAuthorization();
        statuses.MapFind(Resource.ServiceStatus, (query, find, scope) => query.FindStatusesAsync(find, scope), ApiJson.Context.PageStatusRecord);
        statuses.MapGetOne(Resource.ServiceStatus,
            async (grains, id, scope) => ResourceEndpoints.Found(await grains.GetGrain<IQueryGrain>(0).GetStatusAsync(id, scope), id), ApiJson.Context.StatusRecord);
        statuses.MapNotAllowed("/", ["POST", "PUT", "PATCH", "DELETE"], Why);
        statuses.MapNotAllowed("/{id}", ["POST", "PUT", "PATCH", "DELETE"], Why);
        return app;
    }
}
