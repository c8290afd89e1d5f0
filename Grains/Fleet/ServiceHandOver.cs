using Microsoft.Extensions.Logging;
using Monitoring.Grains.Interfaces;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace Monitoring.Grains.Fleet;

/// <summary>
/// When this silo stops gracefully (SIGTERM, a rolling restart), moves every service grain active here to
/// the other active silos before Orleans deactivates what is left, so no occurrence is missed: each grain
/// migrates (Orleans live migration) with its schedule position and its new activation re-arms its timer at
/// once. Runs at the silo's <see cref="ServiceLifecycleStage.Active"/> stage, whose stop comes before the
/// stage that deactivates every grain. The targets take the ids by <c>id mod N</c>, like <see cref="WakeShare"/>.
/// Targets are the silos that have finished starting (see <see cref="StartedAsync"/>). A silo that is the last
/// one standing has nowhere to move them and hands nothing over.
/// </summary>
public sealed partial class ServiceHandOver(
    LocalServices local,
    IClusterMembershipService membership,
    ILocalSiloDetails self,
    IGrainFactory grains,
    History.StatusWriter writer,
    ILogger<ServiceHandOver> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private const int ConcurrentCalls = 64;
    private const int Passes = 3;

    /// <summary>How long a stopping silo waits for the silos it hands over to to finish starting.</summary>
    private static readonly TimeSpan StartupWait = TimeSpan.FromSeconds(15);

    /// <summary>How long the hand-over may take before Orleans' own shutdown deactivates what is left.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    /// <summary>Stops (hands over) at the <see cref="ServiceLifecycleStage.Active"/> stage; nothing to do at start.</summary>
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ServiceHandOver), ServiceLifecycleStage.Active, _ => Task.CompletedTask, StopAsync);

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        var targets = membership.CurrentSnapshot.Members
            .Where(m => m.Value.Status == SiloStatus.Active && !m.Key.Equals(self.SiloAddress))
            .Select(m => m.Key)
            .OrderBy(a => a.ToParsableString(), StringComparer.Ordinal)
            .ToList();
        var total = local.Count;
        if (targets.Count == 0 || total == 0)
        {
            LogNothingToHandOver(logger, total);
            return;
        }

        targets = await StartedAsync(targets, cancellationToken);

        local.StartDraining(targets);

        // A moving grain waits for its checks in flight to be stored: the writer's commit interval would be that much
        // longer out of the interval the move has.
        writer.CommitPromptly();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Deadline);
        var started = DateTimeOffset.UtcNow;
        try
        {
            // The silo is still Active to placement until Orleans' own stop marks it ShuttingDown: a call that races
            // a migration can activate a grain here again. Such a grain moves on by itself (LocalServices.TargetFor);
            // the next pass catches any left behind.
            for (var pass = 0; pass < Passes && local.Count > 0; pass++)
            {
                await Parallel.ForEachAsync(local.Snapshot(), new ParallelOptions { MaxDegreeOfParallelism = ConcurrentCalls, CancellationToken = deadline.Token }, async (id, _) =>
                {
                    try
                    {
                        await grains.GetGrain<IServiceMonitorGrain>(id).HandOverAsync(local.TargetFor(id)!);
                    }
                    catch (Exception ex) when (!deadline.IsCancellationRequested)
                    {
                        LogHandOverFailed(logger, id, ex.Message);
                    }
                });

                // Each grain leaves once its checks in flight are stored; wait for the registry to drain.
                for (var wait = 0; wait < 20 && local.Count > 0; wait++)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        LogHandedOver(logger, total - local.Count, total, targets.Count, (DateTimeOffset.UtcNow - started).TotalMilliseconds);
    }

    /// <summary>
    /// The targets that have finished starting, waiting up to <see cref="StartupWait"/> for them. A silo is Active in
    /// the membership table while its host is still starting; services moved there then wait for it, and in a
    /// rolling restart (the next silo stopped as soon as the last one shows Active) they missed an occurrence. When
    /// none has started by then, all of them: a slow hand-over still beats none.
    /// </summary>
    private async Task<List<SiloAddress>> StartedAsync(List<SiloAddress> targets, CancellationToken cancellationToken)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var answers = await Task.WhenAll(targets.Select(async target =>
        {
            try
            {
                // The hint places the (new) activation of the target's own key on the target.
                RequestContext.Set(IPlacementDirector.PlacementHintKey, target);
                return await grains.GetGrain<ISiloStartupGrain>(target.ToParsableString()).WaitStartedAsync(StartupWait)
                    .WaitAsync(StartupWait + TimeSpan.FromSeconds(2), cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogStartupUnknown(logger, target, ex.Message);
                return false;
            }
            finally
            {
                RequestContext.Remove(IPlacementDirector.PlacementHintKey);
            }
        }));
        // Only those still Active after the wait: one may have left meanwhile.
        var active = membership.CurrentSnapshot.Members.Where(m => m.Value.Status == SiloStatus.Active).Select(m => m.Key).ToHashSet();
        var started = targets.Where((target, i) => answers[i] && active.Contains(target)).ToList();
        LogTargetsStarted(logger, started.Count, targets.Count, waited.ElapsedMilliseconds);
        if (started.Count > 0)
        {
            return started;
        }

        var stillActive = targets.Where(active.Contains).ToList();
        return stillActive.Count > 0 ? stillActive : targets;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: {Started} of {Targets} other silos have finished starting (waited {ElapsedMs} ms)")]
    private static partial void LogTargetsStarted(ILogger logger, int started, int targets, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopping: could not tell whether silo {Silo} has finished starting: {Reason}")]
    private static partial void LogStartupUnknown(ILogger logger, SiloAddress silo, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: no other active silo to hand {Count} services to")]
    private static partial void LogNothingToHandOver(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopping: could not hand service {ServiceId} over: {Reason}")]
    private static partial void LogHandOverFailed(ILogger logger, long serviceId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: {Moved} of {Total} services left this silo for {Silos} others in {ElapsedMs} ms")]
    private static partial void LogHandedOver(ILogger logger, int moved, int total, int silos, double elapsedMs);
}
