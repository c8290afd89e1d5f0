using System.Security.Claims;
using Monitoring.Gateway.Auth;
using Monitoring.Gateway.Description;
using Monitoring.Gateway.Json;
using Monitoring.Grains.Interfaces;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Interfaces.Queries;

namespace Monitoring.Gateway.Api;

/// <summary>/alert-channels: where notifications go; <c>POST /alert-channels/:id/test</c> sends a test at once.</summary>
public static class AlertChannelsApi
{
    public static IEndpointRouteBuilder MapAlertChannelsApi(this IEndpointRouteBuilder app)
    {
        var channels = app.MapGroup("/alert-channels").RequireAuthorization();
        channels.MapGet("/", FindAsync).Produces<Page<AlertChannelRecord>>().WithFindParameters(Resource.AlertChannels);
        channels.MapGet("/{id}", GetAsync).Produces<AlertChannelRecord>().WithSelectParameter(Resource.AlertChannels);
        channels.MapWrites(
            FieldsBinding.Channel,
            (grains, fields, scope) => Channels(grains).CreateAsync(fields, scope),
            (grains, id, fields, replace, scope) => Channels(grains).ChangeAsync(id, fields, replace, scope),
            (grains, id, scope) => Channels(grains).RemoveAsync(id, scope),
            ApiJson.Context.AlertChannelRecord);
        channels.MapPost("/{id}/test", TestAsync).Produces<DeliveryRecord>(StatusCodes.Status201Created)
            .WithSummary("Send a test notification").WithDescription("Queues a test delivery to the channel at once and answers with it.");
        return app;
    }

    /// <summary>What a client-scoped key sees of a shared channel (alerting.md): its id, name and type.</summary>
    private static readonly string[] SharedView = ["client_id", "name", "type"];

    private static IAlertChannelsGrain Channels(IGrainFactory grains) => grains.GetGrain<IAlertChannelsGrain>(0);

    private static IReadOnlyList<string>? Visible(AlertChannelRecord channel, long? scope) => scope is not null && channel.ClientId is null ? SharedView : null;

    private static async Task<IResult> FindAsync(HttpRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!QueryReading.TryRead(request, Resource.AlertChannels, out var query, out var error))
        {
            return error!;
        }

        var scope = CallerScope.ClientId(user);
        var page = await grains.GetGrain<IQueryGrain>(0).FindChannelsAsync(query, scope);
        return ApiResponses.Page(page, ApiJson.Context.PageAlertChannelRecord, query.Select, channel => Visible(channel, scope));
    }

    private static async Task<IResult> GetAsync(string id, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!RequestIds.TryParse(id, out var channelId, out var error) || !QueryReading.TryReadSelect(request, Resource.AlertChannels, out var select, out error))
        {
            return error!;
        }

        var scope = CallerScope.ClientId(user);
        var outcome = await Channels(grains).GetAsync(channelId, scope);
        return outcome.Failure is { } failure
            ? Errors.ErrorResults.From(failure)
            : ApiResponses.Record(outcome.Value!, ApiJson.Context.AlertChannelRecord, select, Visible(outcome.Value!, scope));
    }

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
