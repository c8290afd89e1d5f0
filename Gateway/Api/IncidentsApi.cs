using System.Security.Claims;
using Monitoring.Gateway.Auth;
using Monitoring.Gateway.Description;
using Monitoring.Gateway.Errors;
using Monitoring.Gateway.Json;
using Monitoring.Grains.Interfaces;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Interfaces.Queries;

namespace Monitoring.Gateway.Api;

/// <summary>/incidents: read, and PATCH of <c>acknowledged</c> (through the service's grain, the incidents' only writer).</summary>
public static class IncidentsApi
{
    public static IEndpointRouteBuilder MapIncidentsApi(this IEndpointRouteBuilder app)
    {
        var incidents = app.MapGroup("/incidents").RequireAuthorization();
        incidents.MapFind(Resource.Incidents, (query, find, scope) => query.FindIncidentsAsync(find, scope), ApiJson.Context.PageIncidentRecord);
        incidents.MapGetOne(Resource.Incidents,
            async (grains, id, scope) => ResourceEndpoints.Found(await grains.GetGrain<IQueryGrain>(0).GetIncidentAsync(id, scope), id), ApiJson.Context.IncidentRecord);
        incidents.MapPatch("/{id}", PatchAsync).WithRequestBody<IncidentPatch>().Produces<IncidentRecord>();
        incidents.MapNotAllowed("/", ["POST", "PUT", "PATCH", "DELETE"], "incidents are opened and resolved by the checks");
        incidents.MapNotAllowed("/{id}", ["POST", "PUT", "DELETE"], "incidents are opened and resolved by the checks; PATCH changes only acknowledged");
        return app;
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
