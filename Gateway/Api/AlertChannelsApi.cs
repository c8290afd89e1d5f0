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
        channels.MapFind(Resource.AlertChannels, (query, find, scope) => query.FindChannelsAsync(find, scope), ApiJson.Context.PageAlertChannelRecord);
        channels.MapGetOne(Resource.AlertChannels, (grains, id, scope) => Channels(grains).GetAsync(id, scope), ApiJson.Context.AlertChannelRecord);
        channels.MapWrites(
            FieldsBinding.Channel,
            (grains, fields, scope) => Channels(grains).CreateAsync(fields, scope),
            (grains, id, fields, replace, scope) => Channels(grains).ChangeAsync(id, fields, replace, scope),
            (grains, id, scope) => Channels(grains).RemoveAsync(id, scope),
            ApiJson.Context.AlertChannelRecord);
        channels.MapPost("/{id}/test", TestAsync);
        return app;
    }

    private static IAlertChannelsGrain Channels(IGrainFactory grains) => grains.GetGrain<IAlertChannelsGrain>(0);

    private static async Task<IResult> TestAsync(string id, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!RequestIds.TryParse(id, out var channelId, out var error))
        {
            return error!;
        }

        var outcome = await Channels(grains).TestAsync(channelId, CallerScope.ClientId(user));
        return ApiResponses.From(outcome, ApiJson.Context.DeliveryRecord, StatusCodes.Status201Created);
    }
}
