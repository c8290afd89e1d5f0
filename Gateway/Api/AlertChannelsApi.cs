using System.Security.Claims;
using Monitoring.Gateway.Auth;
using Monitoring.Gateway.Json;
using Monitoring.Grains.Interfaces;
using Monitoring.Grains.Interfaces.Queries;

namespace Monitoring.Gateway.Api;

/// <summary>/alert-channels: where notifications go; <c>POST /alert-channels/:id/test</c> sends a test at once.</summary>
public static class AlertChannelsApi
{
    public static IEndpointRouteBuilder MapAlertChannelsApi(this IEndpointRouteBuilder app)
    {
        var channels = app.MapGroup("/alert-channels").RequireAuthorization();
        channels.MapGet("/", FindAsync);
        channels.MapGet("/{id}", GetAsync);
        channels.MapPost("/", CreateAsync);
        channels.MapPatch("/{id}", (string id, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains) => ChangeAsync(id, request, user, grains, replace: false));
        channels.MapPut("/{id}", (string id, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains) => ChangeAsync(id, request, user, grains, replace: true));
        channels.MapDelete("/{id}", RemoveAsync);
        channels.MapPost("/{id}/test", TestAsync);
        return app;
    }

    private static async Task<IResult> FindAsync(HttpRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!QueryReading.TryRead(request, Resource.AlertChannels, out var query, out var error))
        {
            return error!;
        }

        var page = await grains.GetGrain<IQueryGrain>(0).FindChannelsAsync(query, CallerScope.ClientId(user));
        return ApiResponses.Page(page, ApiJson.Context.PageAlertChannelRecord, query.Select);
    }

    private static async Task<IResult> GetAsync(string id, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!RequestIds.TryParse(id, out var channelId, out var error) || !QueryReading.TryReadSelect(request, Resource.AlertChannels, out var select, out error))
        {
            return error!;
        }

        var outcome = await grains.GetGrain<IAlertChannelsGrain>(0).GetAsync(channelId, CallerScope.ClientId(user));
        return outcome.Failure is { } failure ? Errors.ErrorResults.From(failure) : ApiResponses.Record(outcome.Value!, ApiJson.Context.AlertChannelRecord, select);
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        var (fields, error) = await JsonBody.ReadFieldsAsync(request, FieldsBinding.Channel);
        if (fields is null)
        {
            return error!;
        }

        var outcome = await grains.GetGrain<IAlertChannelsGrain>(0).CreateAsync(fields, CallerScope.ClientId(user));
        return ApiResponses.From(outcome, ApiJson.Context.AlertChannelRecord, StatusCodes.Status201Created);
    }

    private static async Task<IResult> ChangeAsync(string id, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains, bool replace)
    {
        if (!RequestIds.TryParse(id, out var channelId, out var idError))
        {
            return idError!;
        }

        var (fields, error) = await JsonBody.ReadFieldsAsync(request, FieldsBinding.Channel);
        if (fields is null)
        {
            return error!;
        }

        var outcome = await grains.GetGrain<IAlertChannelsGrain>(0).ChangeAsync(channelId, fields, replace, CallerScope.ClientId(user));
        return ApiResponses.From(outcome, ApiJson.Context.AlertChannelRecord);
    }

    private static async Task<IResult> RemoveAsync(string id, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!RequestIds.TryParse(id, out var channelId, out var error))
        {
            return error!;
        }

        var outcome = await grains.GetGrain<IAlertChannelsGrain>(0).RemoveAsync(channelId, CallerScope.ClientId(user));
        return ApiResponses.From(outcome, ApiJson.Context.AlertChannelRecord);
    }

    private static async Task<IResult> TestAsync(string id, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!RequestIds.TryParse(id, out var channelId, out var error))
        {
            return error!;
        }

        var outcome = await grains.GetGrain<IAlertChannelsGrain>(0).TestAsync(channelId, CallerScope.ClientId(user));
        return ApiResponses.From(outcome, ApiJson.Context.DeliveryRecord, StatusCodes.Status201Created);
    }
}
