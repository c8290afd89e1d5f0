using System.Globalization;
using System.Security.Claims;
using Monitoring.Gateway.Auth;
using Monitoring.Gateway.Description;
using Monitoring.Gateway.Errors;
using Monitoring.Gateway.Json;
using Monitoring.Grains.Interfaces;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Interfaces.Queries;

namespace Monitoring.Gateway.Api;

/// <summary>
/// /uptime-stats: one service's figures from its grain's uptime window (<c>service_id</c>), or a page of
/// them for every service of a client (<c>client_id</c>, with <c>$limit</c> and <c>$skip</c>).
/// </summary>
public static class UptimeApi
{
    private static readonly HashSet<string> Parameters = ["service_id", "client_id", "period", "bucket", "$limit", "$skip"];

    public static IEndpointRouteBuilder MapUptimeApi(this IEndpointRouteBuilder app)
    {
        var uptime = app.MapGroup("/uptime-stats").RequireAuthorization();
        uptime.MapGet("/", GetAsync).DescribeUptimeStats();
        // uptime-stats only finds: everything else is a Feathers MethodNotAllowed.
        uptime.MapNotAllowed("/", ["POST", "PUT", "PATCH", "DELETE"]);
        uptime.MapNotAllowed("/{id}", ["GET", "POST", "PUT", "PATCH", "DELETE"]);
        return app;
    }

    private static async Task<IResult> GetAsync(HttpRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        var query = request.Query;
        if (query.Keys.FirstOrDefault(k => !Parameters.Contains(k)) is { } unknown)
        {
            return ErrorResults.BadRequest($"Unknown parameter '{(unknown.Length <= 40 ? unknown : unknown[..40])}' (use service_id or client_id, period, bucket)");
        }

        if (!UptimePeriod.TryParse(query["period"], query["bucket"], out var uptime, out var periodError))
        {
            return ErrorResults.BadRequest(periodError!, new Dictionary<string, string> { [periodError!.Contains("bucket", StringComparison.Ordinal) ? "bucket" : "period"] = periodError });
        }

        var scope = CallerScope.ClientId(user);
        if (query.ContainsKey("service_id"))
        {
            if (!RequestIds.TryParse(query["service_id"].ToString(), out var serviceId, out var idError))
            {
                return idError!;
            }

            var outcome = await grains.GetGrain<IServiceMonitorGrain>(serviceId).GetUptimeAsync(uptime, scope);
            if (outcome.Failure is { } failure)
            {
                return ErrorResults.From(failure);
            }

            return ApiResponses.Record(UptimeStatsBody.Of(outcome.Value!), ApiJson.Context.UptimeStatsBody);
        }

        if (!query.ContainsKey("client_id"))
        {
            return ErrorResults.BadRequest("service_id or client_id is required", new Dictionary<string, string> { ["service_id"] = "is required (or client_id)" });
        }

        if (!RequestIds.TryParse(query["client_id"].ToString(), out var clientId, out var clientError))
        {
            return clientError!;
        }

        if (scope is { } own && own != clientId)
        {
            return ErrorResults.NoRecord(clientId);
        }

        if (!QueryReading.TryRead(request, Resource.ClientServices, out var page, out var pageError, only: ["$limit", "$skip"]))
        {
            return pageError!;
        }

        var services = await grains.GetGrain<IQueryGrain>(0).FindServiceIdsAsync(
            page with { Filter = new Comparison("client_id", ComparisonOperator.Equal, [clientId]) }, scope);
        var reports = await Task.WhenAll(services.Data.Select(id => grains.GetGrain<IServiceMonitorGrain>(id).GetUptimeAsync(uptime, scope)));
        var bodies = reports.Where(r => r.Value is not null).Select(r => UptimeStatsBody.Of(r.Value!)).ToList();
        if (reports.FirstOrDefault(r => r.Failure is { Kind: not FailureKind.NotFound }) is { Failure: { } firstFailure })
        {
            return ErrorResults.From(firstFailure);
        }

        return ApiResponses.Record(new Page<UptimeStatsBody>(services.Total, services.Limit, services.Skip, bodies), ApiJson.Context.PageUptimeStatsBody);
    }
}
