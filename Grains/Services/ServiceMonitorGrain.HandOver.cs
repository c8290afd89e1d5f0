using Orleans.Runtime.Placement;

namespace Monitoring.Grains.Services;

/// <summary>
/// Moving between silos: a silo that stops gracefully migrates its service grains (<see cref="Fleet.ServiceHandOver"/>);
/// the schedule position travels with the grain, so the new activation neither repeats the last occurrence
/// nor runs a catch-up for one that was not missed.
/// </summary>
public sealed partial class ServiceMonitorGrain
{
    private const string LastStartedKey = "last-started-occurrence";

    /// <summary>The schedule position carried over by a migration, read before <see cref="OnActivateAsync"/>.</summary>
    private DateTimeOffset? handedOverOccurrence;

    public Task HandOverAsync(SiloAddress target)
    {
        if (config is null)
        {
            DeactivateOnIdle();
            return Task.CompletedTask;
        }

        // The hint makes placement choose the given silo; migration starts once this call has returned.
        RequestContext.Set(IPlacementDirector.PlacementHintKey, target);
        MigrateOnIdle();
        return Task.CompletedTask;
    }

    void IGrainMigrationParticipant.OnDehydrate(IDehydrationContext dehydrationContext) =>
        dehydrationContext.TryAddValue(LastStartedKey, lastStartedOccurrence);

    void IGrainMigrationParticipant.OnRehydrate(IRehydrationContext rehydrationContext)
    {
        if (rehydrationContext.TryGetValue(LastStartedKey, out DateTimeOffset occurrence))
        {
            handedOverOccurrence = occurrence;
        }
    }
}
