using Monitoring.Gateway.Json;
using Monitoring.Grains.Interfaces;
using Monitoring.Grains.Interfaces.Queries;

namespace Monitoring.Gateway.Api;

/// <summary>/alert-deliveries: the outbox, read-only.</summary>
public static class AlertDeliveriesApi
{
    private const string Why = "deliveries are queued by incidents and channel tests";

    public static IEndpointRouteBuilder MapAlertDeliveriesApi(this IEndpointRouteBuilder app)
    {
        var deliveries = app.MapGroup("/alert-deliveries").RequireAuthorization();
        deliveries.MapFind(Resource.AlertDeliveries, (query, find, scope) => query.FindDeliveriesAsync(find, scope), ApiJson.Context.PageDeliveryRecord);
        deliveries.MapGetOne(Resource.AlertDeliveries,
            async (grains, id, scope) => ResourceEndpoints.Found(await grains.GetGrain<IQueryGrain>(0).GetDeliveryAsync(id, scope), id), ApiJson.Context.DeliveryRecord);
        deliveries.MapNotAllowed("/", ["POST", "PUT", "PATCH", "DELETE"], Why);
        deliveries.MapNotAllowed("/{id}", ["POST", "PUT", "PATCH", "DELETE"], Why);
        return app;
    }
}
