using System.Security.Claims;
using Monitoring.Gateway.Auth;
using Monitoring.Gateway.Description;
using Monitoring.Gateway.Errors;
using Monitoring.Gateway.Json;
using Monitoring.Grains.Interfaces;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Interfaces.Queries;

namespace Monitoring.Gateway.Api;

/// <summary>/clients: find, get, create, patch, remove (which removes the client's services and history).</summary>
public static class ClientsApi
{
    public static IEndpointRouteBuilder MapClientsApi(this IEndpointRouteBuilder app)
    {
        var clients = app.MapGroup("/clients").RequireAuthorization();
        clients.MapFind(Resource.Clients, (query, find, scope) => query.FindClientsAsync(find, scope), ApiJson.Context.PageClientRecord);
        clients.MapGetOne(Resource.Clients, (grains, id, scope) => grains.GetGrain<IClientGrain>(id).GetAsync(scope), ApiJson.Context.ClientRecord);
        clients.MapPost("/", CreateAsync).WithRequestBody<ClientRecord>().Produces<ClientRecord>(StatusCodes.Status201Created);
        clients.MapPatch("/{id}", PatchAsync).WithRequestBody<ClientRecord>().Produces<ClientRecord>();
        clients.MapPut("/{id}", ReplaceAsync).WithRequestBody<ClientRecord>().Produces<ClientRecord>();
        clients.MapDelete("/{id}", RemoveAsync).Produces<ClientRecord>();
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (CallerScope.ClientId(user) is not null)
        {
            return ErrorResults.Error(403, "A key scoped to a client cannot create clients");
        }

        var (fields, error) = await JsonBody.ReadFieldsAsync(request, FieldsBinding.Client);
        if (fields is null)
        {
            return error!;
        }

        var outcome = await grains.GetGrain<IClientRegistryGrain>(0).CreateAsync(fields);
        return ApiResponses.From(outcome, ApiJson.Context.ClientRecord, StatusCodes.Status201Created);
    }

    private static Task<IResult> PatchAsync(string id, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains) =>
        ChangeAsync(id, request, user, grains, replace: false);

    /// <summary>PUT: a Feathers update, replacing every writable field.</summary>
    private static Task<IResult> ReplaceAsync(string id, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains) =>
        ChangeAsync(id, request, user, grains, replace: true);

    private static async Task<IResult> ChangeAsync(string id, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains, bool replace)
    {
        if (!RequestIds.TryParse(id, out var clientId, out var idError))
        {
            return idError!;
        }

        var (fields, error) = await JsonBody.ReadFieldsAsync(request, FieldsBinding.Client);
        if (fields is null)
        {
            return error!;
        }

        var grain = grains.GetGrain<IClientGrain>(clientId);
        var outcome = replace ? await grain.ReplaceAsync(fields, CallerScope.ClientId(user)) : await grain.PatchAsync(fields, CallerScope.ClientId(user));
        return ApiResponses.From(outcome, ApiJson.Context.ClientRecord);
    }

    private static async Task<IResult> RemoveAsync(string id, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!RequestIds.TryParse(id, out var clientId, out var error))
        {
            return error!;
        }

        var outcome = await grains.GetGrain<IClientGrain>(clientId).RemoveAsync(CallerScope.ClientId(user));
        return ApiResponses.From(outcome, ApiJson.Context.ClientRecord);
    }
}
