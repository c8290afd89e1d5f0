using Monitoring.Gateway.Json;
using Monitoring.Grains.Interfaces;
using Monitoring.Grains.Interfaces.Queries;

namespace Monitoring.Gateway.Api;

/// <summary>/status-pages: which services of a client a status page shows, and whether it opens without a key.</summary>
public static class StatusPagesApi
{
    public static IEndpointRouteBuilder MapStatusPagesApi(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup("/status-pages").RequireAuthorization();
        pages.MapFind(Resource.StatusPages, (query, find, scope) => query.FindStatusPagesAsync(find, scope), ApiJson.Context.PageStatusPageRecord);
        pages.MapGetOne(Resource.StatusPages, (grains, id, scope) => Pages(grains).GetAsync(id, scope), ApiJson.Context.StatusPageRecord);
        pages.MapWrites(
            FieldsBinding.StatusPage,
            (grains, fields, scope) => Pages(grains).CreateAsync(fields, scope),
            (grains, id, fields, replace, scope) => Pages(grains).ChangeAsync(id, fields, replace, scope),
            (grains, id, scope) => Pages(grains).RemoveAsync(id, scope),
            ApiJson.Context.StatusPageRecord);
        return app;
    }

    private static IStatusPagesGrain Pages(IGrainFactory grains) => grains.GetGrain<IStatusPagesGrain>(0);
}
