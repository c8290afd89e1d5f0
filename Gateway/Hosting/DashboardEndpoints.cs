using Monitoring.Gateway.Auth;
using Monitoring.Gateway.Errors;
using Orleans.Dashboard;

namespace Monitoring.Gateway.Hosting;

/// <summary>
/// The Orleans dashboard under <see cref="Path"/>, for admin keys only (<see cref="AdminPolicy"/>). The gateway hosts it
/// as an Orleans client (the silos add its grains); a browser sends the key as the password of HTTP Basic, which
/// <see cref="ApiKeyAuthenticationHandler"/> accepts on these paths only. Its grain-state page is refused: it calls the
/// parameterless methods of a grain by reflection, and ours include ones that change state.
/// </summary>
public static class DashboardEndpoints
{
    public const string Path = "/dashboard";

    /// <summary>Whether <paramref name="path"/> is one of the dashboard's.</summary>
    public static bool Covers(PathString path) => path.StartsWithSegments(Path);

    public static void MapDashboard(this IEndpointRouteBuilder app) =>
        app.MapOrleansDashboard(Path)
            .RequireAuthorization(AdminPolicy.Name)

            // The dashboard's own page and calls, not the API: left out of the OpenAPI document.
            .ExcludeFromDescription()
            .AddEndpointFilter(async (context, next) =>
                context.HttpContext.Request.Path.StartsWithSegments($"{Path}/GrainState", StringComparison.OrdinalIgnoreCase)
                    ? ErrorResults.Error(404, "The dashboard's grain state page is not served here")
                    : await next(context));
}
