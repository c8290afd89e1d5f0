using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Monitoring.Grains.Scheduling;

/// <summary>
/// The silo-wide admission of scheduled checks: keeps the checks a silo starts below what it can finish, so a fleet
/// that offers more than the silo's cores can run is checked on time as far as it goes (the rest of its occurrences
/// skipped and counted) instead of every check and the API falling behind together.
/// </summary>
/// <remarks>
/// The signal is the lateness of the services' timers, which run on the same scheduler as everything else, and the
/// result writer's backlog: when more than a quarter of a second's timer fires are later than
/// <see cref="ScheduleOptions.PaceWhenLateBy"/>, or the second ends with the writer behind (results coming faster than
/// it stores them), three seconds running, the silo is saturated, and the admitted rate drops to 0.8 of what was admitted (and again after three more
/// such seconds); while timers are on time and the writer is not behind it grows by a tenth per second, and the limit is lifted once it stayed over
/// 1.25 times what the services asked for (admitted and skipped) five seconds running, or the silo had too few fires
/// to judge by for five seconds. Shorter stalls (a garbage
/// collection, a burst of creates) pace nothing; a silo that stays saturated stays paced near what it finishes, since
/// it is late again before its limit outgrows the demand. A second with fewer than <see cref="MinFires"/> fires decides
/// nothing. The limit is a token bucket holding a quarter of a second's checks, as services sharing a cron arrive in
/// bursts within their spread. Thread-safe; one per silo.
/// </remarks>
public sealed partial class CheckAdmission
{
    /// <summary>Fires a second must have for its lateness to count as evidence.</summary>
    public const int MinFires = 20;

    /// <summary>Late seconds in a row that pace the checks (or lower the pace).</summary>
    public const int LatePeriodsToPace = 3;

    /// <summary>Seconds in a row with the limit over 1.25 times the demand that lift the pace.</summary>
    public const int SlackPeriodsToLift = 5;

    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    private readonly TimeProvider time;
    private readonly ScheduleOptions options;
    private readonly ILogger logger;
    private readonly Lock gate = new();

    private long periodEndsAt;
    private long periodStartedAt;
    private int fires;
    private int lateFires;
    private int admitted;
    private int skipped;
    private int refusedForStore;
    private int latePeriods;
    private int slackPeriods;

    private double? rate;
    private volatile bool paced;
    private double tokens;
    private long refilledAt;

    private readonly Func<bool> storeCongested;
    private readonly Func<bool> storeBehind;

    /// <param name="storeCongested">
    /// Whether the silo's result writer is about to refuse results (<c>StatusWriter.Congested</c>): while it is, no
    /// scheduled check is admitted, since its result would be thrown away. Null: never.
    /// </param>
    /// <param name="storeBehind">
    /// Whether the result writer stores results more slowly than they come (<c>StatusWriter.Behind</c>): a second that
    /// ends with it behind counts as a late second, so checks are paced down to what the silo can also store. Null: never.
    /// </param>
    public CheckAdmission(TimeProvider time, IOptions<ScheduleOptions> options, ILogger<CheckAdmission>? logger = null, Func<bool>? storeCongested = null, Func<bool>? storeBehind = null)
    {
        this.storeCongested = storeCongested ?? (static () => false);
        this.storeBehind = storeBehind ?? (static () => false);
        this.time = time;
        this.options = options.Value;
        this.logger = logger ?? (ILogger)NullLogger.Instance;
        periodStartedAt = time.GetTimestamp();
        periodEndsAt = periodStartedAt + Ticks(Period);
    }

    /// <summary>The scheduled checks per second this silo admits now; null while it admits every one.</summary>
    public double? Rate
    {
        get
        {
            lock (gate)
            {
                return rate;
            }
        }
    }

    /// <summary>Records a service timer that fired <paramref name="lateness"/> after the time it was set for.</summary>
    public void ObserveFire(TimeSpan lateness)
    {
        RollIfDue();
        Interlocked.Increment(ref fires);
        if (lateness > options.PaceWhenLateBy)
        {
            Interlocked.Increment(ref lateFires);
        }
    }

    /// <summary>
    /// Whether a scheduled check that was admitted may still run now that it has its check slot: not while the result
    /// writer is congested (a saturated silo has thousands of admitted checks waiting for slots, and their results would
    /// be refused). The caller counts one that may not as <c>saturated</c>.
    /// </summary>
    public bool StillAdmits() => !storeCongested();

    /// <summary>
    /// Whether a scheduled check may start now: not while the result writer is congested, nor past the pace. False: the
    /// occurrence is skipped (the caller counts it as <c>saturated</c>); the service's next occurrence asks again.
    /// </summary>
    public bool TryAdmit()
    {
        RollIfDue();
        if (storeCongested())
        {
            Interlocked.Increment(ref refusedForStore);
            return false;
        }

        if (!options.PaceChecks || !paced)
        {
            Interlocked.Increment(ref admitted);
            return true;
        }

        lock (gate)
        {
            if (rate is { } limit)
            {
                var now = time.GetTimestamp();
                tokens = Math.Min(Math.Max(1, limit / 4), tokens + (limit * time.GetElapsedTime(refilledAt, now).TotalSeconds));
                refilledAt = now;
                if (tokens < 1)
                {
                    skipped++;
                    return false;
                }

                tokens -= 1;
            }

            Interlocked.Increment(ref admitted);
            return true;
        }
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);

    private void RollIfDue()
    {
        if (time.GetTimestamp() < Volatile.Read(ref periodEndsAt))
        {
            return;
        }

        lock (gate)
        {
            var now = time.GetTimestamp();
            if (now < periodEndsAt)
            {
                return;
            }

            var seconds = Math.Max(time.GetElapsedTime(periodStartedAt, now).TotalSeconds, 1e-3);
            if (skipped > 0)
            {
                LogSkipped(logger, skipped, rate ?? 0);
            }

            var admittedNow = Interlocked.Exchange(ref admitted, 0);
            var refusedNow = Interlocked.Exchange(ref refusedForStore, 0);
            Decide(Interlocked.Exchange(ref fires, 0), Interlocked.Exchange(ref lateFires, 0), admittedNow / seconds, (admittedNow + skipped) / seconds, refusedNow > 0);
            skipped = 0;
            paced = rate is not null;
            periodStartedAt = now;
            Volatile.Write(ref periodEndsAt, now + Ticks(Period));
        }
    }

    // Called under the gate.
    private void Decide(int fired, int late, double admittedPerSecond, double askedPerSecond, bool storeRefused)
    {
        if (!options.PaceChecks)
        {
            return;
        }

        if (fired < MinFires)
        {
            // Too few fires to judge lateness by; a paced silo this quiet is not saturated, so it counts toward the lift.
            if (rate is not null && ++slackPeriods >= SlackPeriodsToLift)
            {
                Lift();
            }

            return;
        }

        // A second in which a congested writer refused checks says nothing about the pace (what was admitted is not what
        // the silo could run): the congestion gate covers it.
        var writerBehind = !storeRefused && storeBehind();
        if (late * 4 > fired || writerBehind)
        {
            slackPeriods = 0;
            if (++latePeriods < LatePeriodsToPace)
            {
                return;
            }

            // Three late seconds since the last decision: shorter stalls (a garbage collection, a burst of creates) pass.
            latePeriods = 0;
            var next = Math.Max(options.MinChecksPerSecond, Math.Min(rate ?? double.MaxValue, admittedPerSecond) * 0.8);
            if (rate is null)
            {
                tokens = 0;
                refilledAt = time.GetTimestamp();
                if (writerBehind)
                {
                    LogPacingForWriter(logger, next);
                }
                else
                {
                    LogPacing(logger, next, late, fired);
                }
            }

            rate = next;
            return;
        }

        latePeriods = 0;
        if (rate is not { } limit)
        {
            return;
        }

        // Lifted once the limit is well above what the services asked for (admitted and skipped) five seconds running;
        // a silo that is still saturated never gets there, as it is late again before the limit outgrows the demand.
        slackPeriods = askedPerSecond * 1.25 < limit ? slackPeriods + 1 : 0;
        if (slackPeriods >= SlackPeriodsToLift)
        {
            Lift();
        }
        else
        {
            rate = limit * 1.1;
        }
    }

    private void Lift()
    {
        rate = null;
        slackPeriods = 0;
        LogUnpaced(logger);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "This silo is saturated ({Late} of {Fired} service timers in the last second fired late): scheduled checks are paced at {Rate:F0}/s, the rest of their occurrences skipped")]
    private static partial void LogPacing(ILogger logger, double rate, int late, int fired);

    [LoggerMessage(Level = LogLevel.Warning, Message = "This silo is saturated (its result writer stores results more slowly than they come): scheduled checks are paced at {Rate:F0}/s, the rest of their occurrences skipped")]
    private static partial void LogPacingForWriter(ILogger logger, double rate);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Skipped} scheduled occurrences skipped in the last second: checks paced at {Rate:F0}/s")]
    private static partial void LogSkipped(ILogger logger, int skipped, double rate);

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled checks are no longer paced: the silo keeps up")]
    private static partial void LogUnpaced(ILogger logger);
}
