using Monitoring.Grains.Interfaces;

namespace Monitoring.Gateway.Hosting;

/// <summary>
/// Whether this gateway can serve an API call now: its cluster client has connected (the host reports
/// "started" only after every hosted service, the cluster client included, has started) and a grain call
/// reaches a silo. The grain call is made at most once a second, shared by every caller. Until the first
/// connection, API calls answer 503 instead of failing inside Orleans (health and the API description are served
/// all the same); the middleware runs after authentication, so a missing or wrong key is a 401 first.
/// </summary>
public sealed class ClusterReadiness(IHostApplicationLifetime lifetime, IClusterClient client) : IMiddleware
{
    private static readonly TimeSpan Fresh = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    private readonly Lock gate = new();
    private Task<bool>? probe;
    private long probedAt;

    public bool IsStarted => lifetime.ApplicationStarted.IsCancellationRequested;

    /// <summary>A stopping gateway is not ready: load balancers stop sending it calls while it drains.</summary>
    public bool IsStopping => lifetime.ApplicationStopping.IsCancellationRequested;

    /// <summary>True when the client is connected and a silo answered a grain call within the last second (or now).</summary>
    public Task<bool> IsReadyAsync()
    {
        if (!IsStarted || IsStopping)
        {
            return Task.FromResult(false);
        }

        lock (gate)
        {
            if (probe is null || (probe.IsCompleted && Environment.TickCount64 - probedAt > Fresh.TotalMilliseconds))
            {
                probedAt = Environment.TickCount64;
                probe = ProbeAsync();
            }

            return probe;
        }
    }

    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (IsStarted || IsHealthPath(context.Request.Path) || Description.ApiDescription.IsDescriptionPath(context.Request.Path))
        {
            return next(context);
        }

        return Errors.ErrorResults.WriteAsync(context, Errors.FeathersError.Of(503, "The gateway is not connected to the cluster yet; try again shortly"));
    }

    /// <summary>The paths served before the first connection: health, and /metrics (a scrape says what is wrong meanwhile).</summary>
    private static bool IsHealthPath(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz") || path.StartsWithSegments("/livez")
        || path.StartsWithSegments(Monitoring.Hosting.MetricsEndpoint.Path);

    private async Task<bool> ProbeAsync()
    {
        try
        {
            await client.GetGrain<IClusterProbeGrain>(Random.Shared.Next()).GetSiloAsync().WaitAsync(ProbeTimeout);
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }
}
