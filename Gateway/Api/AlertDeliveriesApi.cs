using System.Security.Claims;
using Monitoring.Gateway.Auth;
using Monitoring.Gateway.Errors;
using Monitoring.Gateway.Json;
using Monitoring.Grains.Interfaces;
using Monitoring.Grains.Interfaces.Queries;

namespace Monitoring.Gateway.Api;

/// <summary>/alert-deliveries: the outbox, read-only.</summary>
public static class AlertDeliveriesApi
{
    public static IEndpointRouteBuilder MapAlertDeliveriesApi(this IEndpointRouteBuilder app)
    {
        var deliveries = app.MapGroup("/alert-deliveries").RequireAuthorization();
        deliveries.MapGet("/", FindAsync);
        deliveries.MapGet("/{id}", GetAsync);
        deliveries.MapMethods("/", ["POST", "PUT", "PATCH", "DELETE"], (HttpRequest request) => ReadOnly.NotAllowed(request, "deliveries are queued by incidents and channel tests"));
        deliveries.MapMethods("/{id}", ["POST", "PUT", "PATCH", "DELETE"], (HttpRequest request) => ReadOnly.NotAllowed(request, "deliveries are queued by incidents and channel tests"));
        return app;
    }

    private static async Task<IResult> FindAsync(HttpRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!QueryReading.TryRead(request, Resource.AlertDeliveries, out var query, out var error))
        {
            return error!;
        }

        var page = await grains.GetGrain<IQueryGrain>(0).FindDeliveriesAsync(query, CallerScope.ClientId(user));
        return ApiResponses.Page(page, ApiJson.Context.PageDeliveryRecord, query.Select);
    }

    private static async Task<IResult> GetAsync(string id, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!RequestIds.TryParse(id, out var deliveryId, out var error) || !QueryReading.TryReadSelect(request, Resource.AlertDeliveries, out var select, out error))
        {
            return error!;
        }

        return await grains.GetGrain<IQueryGrain>(0).GetDeliveryAsync(deliveryId, CallerScope.ClientId(user)) is { } record
            ? ApiResponses.Record(record, ApiJson.Context.DeliveryRecord, select)
            : ErrorResults.NoRecord(deliveryId);
    }
}
