using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Monitoring.Grains.Data;
using Monitoring.Grains.Uptime;

namespace Monitoring.Grains.Fleet;

/// <summary>
/// Before the silo joins the fleet as Active, runs once the code a service grain's activation runs (its row
/// and recent results from PostgreSQL, the uptime window's encoding) and opens the connection pool, so the
/// first grains handed to a silo that just started (a rolling restart) do not each wait for the JIT and for
/// connections. Best effort and bounded (<see cref="Limit"/>): a failure only means a colder start.
/// </summary>
public sealed partial class SiloWarmUp(ServiceStore store, UptimeHistoryStore history, TimeProvider time, ILogger<SiloWarmUp> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(5);

    /// <summary>Warms up at the <see cref="ServiceLifecycleStage.ApplicationServices"/> stage, before the silo becomes Active.</summary>
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SiloWarmUp), ServiceLifecycleStage.ApplicationServices, WarmUpAsync, _ => Task.CompletedTask);

    private async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            // No service has id 0: the queries run and map, and find nothing. Several at once open several connections.
            await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
            {
                await store.LoadAsync(0);
                await history.ResultsSinceAsync(0, time.GetUtcNow());
            })).WaitAsync(Limit, cancellationToken);
            _ = UptimeWindow.Decode(new UptimeWindow().Encode());
            LogWarm(logger, watch.ElapsedMilliseconds);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogCold(logger, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Warmed up the service grains' code and connections in {ElapsedMs} ms")]
    private static partial void LogWarm(ILogger logger, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Could not warm up before joining (the first grains will be slower): {Reason}")]
    private static partial void LogCold(ILogger logger, string reason);
}
