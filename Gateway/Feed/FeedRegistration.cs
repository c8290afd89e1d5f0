using Monitoring.Grains.Interfaces;

namespace Monitoring.Gateway.Feed;

/// <summary>
/// Keeps this gateway on the silos' list of feed receivers: renews its entry every few seconds (so a
/// restarted gateway rejoins by itself, and a list lost in a failover refills) and leaves on shutdown.
/// </summary>
public sealed partial class FeedRegistration(
    IClusterClient client, FeedConnections connections, IHostApplicationLifetime lifetime, ILogger<FeedRegistration> logger) : BackgroundService
{
    public static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(5);

    private readonly Guid gatewayId = Guid.NewGuid();
    private IFeedObserver? reference;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The cluster client can make grain calls once the host has started (it starts with the host).
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(started.SetResult))
        using (stoppingToken.Register(() => started.TrySetCanceled()))
        {
            await started.Task;
        }

        var subscribers = client.GetGrain<IFeedSubscribersGrain>(0);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                reference ??= client.CreateObjectReference<IFeedObserver>(connections);
                await subscribers.RenewAsync(gatewayId, reference);
                await Task.Delay(RenewEvery, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRenewFailed(logger, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await client.GetGrain<IFeedSubscribersGrain>(0).LeaveAsync(gatewayId).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRenewFailed(logger, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not renew this gateway's place in the live feed yet: {Reason}")]
    private static partial void LogRenewFailed(ILogger logger, string reason);
}
