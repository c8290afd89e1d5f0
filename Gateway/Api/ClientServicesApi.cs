using System.Security.Claims;
using Monitoring.Gateway.Auth;
using Monitoring.Gateway.Description;
using Monitoring.Gateway.Errors;
using Monitoring.Gateway.Json;
using Monitoring.Grains.Interfaces;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Interfaces.Queries;

namespace Monitoring.Gateway.Api;

/// <summary>/client-services: the monitored endpoints, each served by its own grain, and the manual check.</summary>
public static class ClientServicesApi
{
    public static IEndpointRouteBuilder MapClientServicesApi(this IEndpointRouteBuilder app)
    {
        var services = app.MapGroup("/client-services").RequireAuthorization();
        services.MapFind(Resource.ClientServices, (query, find, scope) => query.FindServicesAsync(find, scope), ApiJson.Context.PageServiceRecord,
            (context, page) => Urls(context).Complete(page));
        services.MapGetOne(Resource.ClientServices, (grains, id, scope) => grains.GetGrain<IServiceMonitorGrain>(id).GetAsync(scope), ApiJson.Context.ServiceRecord,
            (context, record) => Urls(context).Complete(record));
        services.MapPost("/", CreateAsync).WithRequestBody<ServiceRecord>().Produces<ServiceRecord>(StatusCodes.Status201Created);
        services.MapPatch("/{id}", PatchAsync).WithRequestBody<ServiceRecord>().Produces<ServiceRecord>();
        services.MapPut("/{id}", ReplaceAsync).WithRequestBody<ServiceRecord>().Produces<ServiceRecord>();
        services.MapDelete("/{id}", RemoveAsync).Produces<ServiceRecord>();
        services.MapPost("/{id}/check", CheckAsync).RequireRateLimiting(RateLimits.ManualChecks).Produces<StatusRecord>(StatusCodes.Status201Created)
            .WithSummary("Run a check now").WithDescription("Answers with the service-status record the check created.");
        services.MapPost("/{id}/ping-token", NewPingTokenAsync).Produces<ServiceRecord>(StatusCodes.Status201Created)
            .WithSummary("Issue a new ping token").WithDescription("A heartbeat's new token: the old one stops working; answers with the record and its new ping_url.");
        return app;
    }

    private static PingUrls Urls(HttpContext context) => context.RequestServices.GetRequiredService<PingUrls>();

    /// <summary>A heartbeat's new token (monitors.md): the old one stops working; 201 with the record and its new ping_url.</summary>
    private static async Task<IResult> NewPingTokenAsync(string id, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!RequestIds.TryParse(id, out var serviceId, out var error))
        {
            return error!;
        }

        var outcome = await grains.GetGrain<IServiceMonitorGrain>(serviceId).NewPingTokenAsync(CallerScope.ClientId(user));
        return ApiResponses.From(Urls(request.HttpContext).Complete(outcome), ApiJson.Context.ServiceRecord, StatusCodes.Status201Created);
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        var (fields, error) = await JsonBody.ReadFieldsAsync(request, FieldsBinding.NewService);
        if (fields is null)
        {
            return error!;
        }

        var clientId = fields.ClientId.Value!.Value;
        if (CallerScope.ClientId(user) is { } scope && scope != clientId)
        {
            // The very answer an unknown client gets: a scoped key learns nothing about other clients.
            return ErrorResults.From(Failure.UnknownClient(clientId));
        }

        var outcome = await grains.GetGrain<IClientGrain>(clientId).CreateServiceAsync(fields);
        return ApiResponses.From(Urls(request.HttpContext).Complete(outcome), ApiJson.Context.ServiceRecord, StatusCodes.Status201Created);
    }

    private static Task<IResult> PatchAsync(string id, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains) =>
        ChangeAsync(id, request, user, grains, replace: false);

    /// <summary>PUT: a Feathers update, replacing every writable field (omitted ones take their defaults).</summary>
    private static Task<IResult> ReplaceAsync(string id, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains) =>
        ChangeAsync(id, request, user, grains, replace: true);

    private static async Task<IResult> ChangeAsync(string id, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains, bool replace)
    {
        if (!RequestIds.TryParse(id, out var serviceId, out var idError))
        {
            return idError!;
        }

        var (fields, error) = await JsonBody.ReadFieldsAsync(request, FieldsBinding.Service);
        if (fields is null)
        {
            return error!;
        }

        var grain = grains.GetGrain<IServiceMonitorGrain>(serviceId);
        var outcome = replace ? await grain.ReplaceAsync(fields, CallerScope.ClientId(user)) : await grain.PatchAsync(fields, CallerScope.ClientId(user));
        return ApiResponses.From(Urls(request.HttpContext).Complete(outcome), ApiJson.Context.ServiceRecord);
    }

    private static async Task<IResult> RemoveAsync(string id, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!RequestIds.TryParse(id, out var serviceId, out var error))
        {
            return error!;
        }

        var outcome = await grains.GetGrain<IServiceMonitorGrain>(serviceId).RemoveAsync(CallerScope.ClientId(user));
        return ApiResponses.From(Urls(request.HttpContext).Complete(outcome), ApiJson.Context.ServiceRecord);
    }

    private static async Task<IResult> CheckAsync(string id, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!RequestIds.TryParse(id, out var serviceId, out var error))
        {
            return error!;
        }

        var outcome = await grains.GetGrain<IServiceMonitorGrain>(serviceId).CheckNowAsync(CallerScope.ClientId(user));
        return ApiResponses.From(outcome, ApiJson.Context.StatusRecord, StatusCodes.Status201Created);
    }
}
