using System.Security.Claims;
using Monitoring.Gateway.Auth;
using Monitoring.Gateway.Errors;
using Monitoring.Gateway.Json;
using Monitoring.Grains.Interfaces;
using Monitoring.Grains.Interfaces.Queries;

namespace Monitoring.Gateway.Api;

/// <summary>/incidents: read, and PATCH of <c>acknowledged</c> (through the service's grain, the incidents' only writer).</summary>
public static class IncidentsApi
{
    public static IEndpointRouteBuilder MapIncidentsApi(this IEndpointRouteBuilder app)
    {
        var incidents = app.MapGroup("/incidents").RequireAuthorization();
        incidents.MapGet("/", FindAsync);
        incidents.MapGet("/{id}", GetAsync);
        incidents.MapPatch("/{id}", PatchAsync);
        incidents.MapMethods("/", ["POST", "PUT", "PATCH", "DELETE"], (HttpRequest request) => ReadOnly.NotAllowed(request, "incidents are opened and resolved by the checks"));
        incidents.MapMethods("/{id}", ["POST", "PUT", "DELETE"], (HttpRequest request) => ReadOnly.NotAllowed(request, "incidents are opened and resolved by the checks; PATCH changes only acknowledged"));
        return app;
    }

    private static async Task<IResult> FindAsync(HttpRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!QueryReading.TryRead(request, Resource.Incidents, out var query, out var error))
        {
            return error!;
        }

        var page = await grains.GetGrain<IQueryGrain>(0).FindIncidentsAsync(query, CallerScope.ClientId(user));
        return ApiResponses.Page(page, ApiJson.Context.PageIncidentRecord, query.Select);
    }

    private static async Task<IResult> GetAsync(string id, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!RequestIds.TryParse(id, out var incidentId, out var error) || !QueryReading.TryReadSelect(request, Resource.Incidents, out var select, out error))
        {
            return error!;
        }

        return await grains.GetGrain<IQueryGrain>(0).GetIncidentAsync(incidentId, CallerScope.ClientId(user)) is { } record
            ? ApiResponses.Record(record, ApiJson.Context.IncidentRecord, select)
            : ErrorResults.NoRecord(incidentId);
    }

    private static async Task<IResult> PatchAsync(string id, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!RequestIds.TryParse(id, out var incidentId, out var idError))
        {
            return idError!;
        }

        var (patch, error) = await JsonBody.ReadFieldsAsync(request, FieldsBinding.Incident);
        if (patch is null)
        {
            return error!;
        }

        var scope = CallerScope.ClientId(user);
        if (await grains.GetGrain<IQueryGrain>(0).GetIncidentAsync(incidentId, scope) is not { } incident)
        {
            return ErrorResults.NoRecord(incidentId);
        }

        var outcome = await grains.GetGrain<IServiceMonitorGrain>(incident.ServiceId).AcknowledgeIncidentAsync(incidentId, patch.Acknowledged, scope);
        return ApiResponses.From(outcome, ApiJson.Context.IncidentRecord);
    }
}
