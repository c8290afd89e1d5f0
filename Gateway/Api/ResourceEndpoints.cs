using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Monitoring.Gateway.Auth;
using Monitoring.Gateway.Description;
using Monitoring.Gateway.Errors;
using Monitoring.Grains.Interfaces;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Interfaces.Queries;

namespace Monitoring.Gateway.Api;

/// <summary>
/// The routes every resource has, once: a Feathers find through the query grain, a get with <c>$select</c>, and
/// create / patch / update / remove of a resource whose writes go through one grain call each. A route parses the
/// id and body and answers the outcome; what is allowed is the grain's to decide.
/// </summary>
public static class ResourceEndpoints
{
    /// <summary><c>GET /</c>: a find of <paramref name="resource"/>, scoped to the caller's client.</summary>
    /// <remarks><paramref name="complete"/>, when given, finishes each page before it is written (what only the gateway knows).</remarks>
    public static RouteHandlerBuilder MapFind<T>(
        this RouteGroupBuilder group, Resource resource, Func<IQueryGrain, FindQuery, long?, Task<Page<T>>> find, JsonTypeInfo<Page<T>> info,
        Func<HttpContext, Page<T>, Page<T>>? complete = null) =>
        group.MapFindResult<T>(resource, async (context, grains, query, scope) =>
        {
            var page = await find(grains.GetGrain<IQueryGrain>(0), query, scope);
            return ApiResponses.Page(complete is null ? page : complete(context, page), info, query.Select);
        });

    /// <summary>
    /// As <see cref="MapFind{T}"/>, with <paramref name="find"/> answering each parsed query itself (it may choose the
    /// grain that answers, or write JSON it already has).
    /// </summary>
    public static RouteHandlerBuilder MapFindResult<T>(
        this RouteGroupBuilder group, Resource resource, Func<HttpContext, IGrainFactory, FindQuery, long?, Task<IResult>> find) =>
        group.MapGet("/", async (HttpRequest request, ClaimsPrincipal user, IGrainFactory grains) =>
        {
            if (!QueryReading.TryRead(request, resource, out var query, out var error))
            {
                return error!;
            }

            return await find(request.HttpContext, grains, query, CallerScope.ClientId(user));
        }).Produces<Page<T>>().WithFindParameters(resource);

    /// <summary><c>GET /{id}</c>: one record, with <c>$select</c>.</summary>
    public static RouteHandlerBuilder MapGetOne<T>(
        this RouteGroupBuilder group, Resource resource, Func<IGrainFactory, long, long?, Task<Outcome<T>>> get, JsonTypeInfo<T> info,
        Func<HttpContext, T, T>? complete = null) =>
        group.MapGet("/{id}", async (string id, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains) =>
        {
            if (!RequestIds.TryParse(id, out var recordId, out var error) || !QueryReading.TryReadSelect(request, resource, out var select, out error))
            {
                return error!;
            }

            var outcome = await get(grains, recordId, CallerScope.ClientId(user));
            return outcome.Failure is { } failure ? ErrorResults.From(failure)
                : ApiResponses.Record(complete is null ? outcome.Value! : complete(request.HttpContext, outcome.Value!), info, select);
        }).Produces<T>().WithSelectParameter(resource);

    /// <summary>A record read by the query grain, or the 404 of its id.</summary>
    public static Outcome<T> Found<T>(T? record, long id)
        where T : class =>
        record is null ? Failure.NotFound($"No record found for id '{id}'") : Outcome<T>.Ok(record);

    /// <summary>
    /// <c>POST /</c>, <c>PATCH /{id}</c>, <c>PUT /{id}</c> (replace: true) and <c>DELETE /{id}</c> of a resource whose
    /// bodies <paramref name="bind"/> reads; 201 for a create.
    /// </summary>
    public static void MapWrites<TFields, T>(
        this RouteGroupBuilder group,
        Func<JsonElement, (TFields Fields, IReadOnlyDictionary<string, string> Errors)> bind,
        Func<IGrainFactory, TFields, long?, Task<Outcome<T>>> create,
        Func<IGrainFactory, long, TFields, bool, long?, Task<Outcome<T>>> change,
        Func<IGrainFactory, long, long?, Task<Outcome<T>>> remove,
        JsonTypeInfo<T> info)
        where TFields : class
    {
        group.MapPost("/", async (HttpRequest request, ClaimsPrincipal user, IGrainFactory grains) =>
        {
            var (fields, error) = await JsonBody.ReadFieldsAsync(request, bind);
            return fields is null ? error! : ApiResponses.From(await create(grains, fields, CallerScope.ClientId(user)), info, StatusCodes.Status201Created);
        }).WithRequestBody<T>().Produces<T>(StatusCodes.Status201Created);
        group.MapPatch("/{id}", (string id, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains) => ChangeAsync(id, request, user, grains, false))
            .WithRequestBody<T>().Produces<T>();
        group.MapPut("/{id}", (string id, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains) => ChangeAsync(id, request, user, grains, true))
            .WithRequestBody<T>().Produces<T>();
        group.MapDelete("/{id}", async (string id, ClaimsPrincipal user, IGrainFactory grains) =>
            RequestIds.TryParse(id, out var recordId, out var error) ? ApiResponses.From(await remove(grains, recordId, CallerScope.ClientId(user)), info) : error!)
            .Produces<T>();

        async Task<IResult> ChangeAsync(string id, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains, bool replace)
        {
            if (!RequestIds.TryParse(id, out var recordId, out var idError))
            {
                return idError!;
            }

            var (fields, error) = await JsonBody.ReadFieldsAsync(request, bind);
            return fields is null ? error! : ApiResponses.From(await change(grains, recordId, fields, replace, CallerScope.ClientId(user)), info);
        }
    }

    /// <summary>
    /// The 405 of methods a resource does not support on <paramref name="pattern"/>, with why when given. These are
    /// not operations of the API: they are left out of its description and marked <see cref="MethodNotAllowedEndpoint"/>.
    /// </summary>
    public static void MapNotAllowed(this RouteGroupBuilder group, string pattern, string[] methods, string? why = null) =>
        group.MapMethods(pattern, methods, (HttpRequest request) => ReadOnly.NotAllowed(request, why))
            .WithMetadata(MethodNotAllowedEndpoint.Instance)
            .ExcludeFromDescription();
}
