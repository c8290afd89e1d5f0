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
    private const string HeartbeatKey = "heartbeat";

    /// <summary>A grain whose next check is due sooner than this moves right after it (see <see cref="HandOverAsync"/>).</summary>
    private static readonly TimeSpan MoveAfterNextCheckWithin = TimeSpan.FromSeconds(2);

    /// <summary>The schedule position carried over by a migration, read before <see cref="OnActivateAsync"/>.</summary>
    private DateTimeOffset? handedOverOccurrence;

    /// <summary>A heartbeat's decided-through mark and latest report, carried over by a migration.</summary>
    private HeartbeatHandOver? handedOverBeat;

    /// <summary>Where to move once the next scheduled check has started; null when no hand-over waits.</summary>
    private SiloAddress? pendingMove;

    public Task HandOverAsync(SiloAddress target)
    {
        if (services.Local.DrainTargets is null || target.Equals(GrainContext.Address.SiloAddress))
        {
            // The call reached an activation on a silo that is not leaving (the grain has moved already):
            // "moving" here would only deactivate it.
            return Task.CompletedTask;
        }

        if (config is null)
        {
            DeactivateOnIdle();
        }
        else if (timer.Armed is { } next && next.FireAt - services.Time.GetUtcNow() < MoveAfterNextCheckWithin)
        {
            // Due within moments: move right after that check starts, so the move has a whole interval and the
            // silo's grains leave spread over their offsets instead of all at once.
            pendingMove = target;
        }
        else
        {
            MoveTo(target);
        }

        return Task.CompletedTask;
    }

    /// <summary>Called after a scheduled check started: a hand-over that waited for it goes now.</summary>
    private void MoveIfPending()
    {
        if (pendingMove is { } target)
        {
            pendingMove = null;
            MoveTo(target);
        }
    }

    /// <summary>Migrates to <paramref name="target"/> once idle (the placement hint makes placement choose it).</summary>
    private void MoveTo(SiloAddress target) =>
        GrainContext.Migrate(new Dictionary<string, object> { [IPlacementDirector.PlacementHintKey] = target });

    void IGrainMigrationParticipant.OnDehydrate(IDehydrationContext dehydrationContext)
    {
        dehydrationContext.TryAddValue(LastStartedKey, lastStartedOccurrence);
        if (beat is { } state)
        {
            // Two values, not the record: dehydration values must be serializable by Orleans.
            dehydrationContext.TryAddValue(HeartbeatKey, state.DecidedThrough);
            if (state.LastReport is { } reported)
            {
                dehydrationContext.TryAddValue(HeartbeatKey + "-report", reported);
            }
        }
    }

    void IGrainMigrationParticipant.OnRehydrate(IRehydrationContext rehydrationContext)
    {
        if (rehydrationContext.TryGetValue(LastStartedKey, out DateTimeOffset occurrence))
        {
            handedOverOccurrence = occurrence;
        }

        if (rehydrationContext.TryGetValue(HeartbeatKey, out DateTimeOffset through))
        {
            handedOverBeat = new HeartbeatHandOver(through,
                rehydrationContext.TryGetValue(HeartbeatKey + "-report", out DateTimeOffset reported) ? reported : null);
        }
    }
}
