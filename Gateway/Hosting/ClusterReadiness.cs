namespace Monitoring.Gateway.Hosting;

/// <summary>
/// Until the cluster client's first connection, the API answers 503 instead of failing inside Orleans.
/// The host reports "started" only after every hosted service, the cluster client included, has started.
/// </summary>
public sealed class ClusterReadiness(IHostApplicationLifetime lifetime) : IMiddleware
{
    public bool IsReady => lifetime.ApplicationStarted.IsCancellationRequested;

    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (IsReady || context.Request.Path.StartsWithSegments("/health") || context.Request.Path.StartsWithSegments("/healthz"))
        {
            return next(context);
        }

        return Errors.ErrorResults.WriteAsync(context, Errors.FeathersError.Of(503, "The gateway is not connected to the cluster yet; try again shortly"));
    }
}
