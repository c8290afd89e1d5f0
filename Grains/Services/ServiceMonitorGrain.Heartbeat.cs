using System.Globalization;
using Microsoft.Extensions.Logging;
using Monitoring.Grains.Data;
using Monitoring.Grains.Heartbeats;
using Monitoring.Grains.History;
using Monitoring.Grains.Interfaces;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Scheduling;

namespace Monitoring.Grains.Services;

/// <summary>
/// Heartbeats (monitors.md): the job reports to us, and the grain's own cron decides when a report is overdue. At each
/// deadline (occurrence + grace) the grain asks PostgreSQL to store a miss unless a report lies in the window
/// (<see cref="HeartbeatStore"/>): one statement, idempotent per occurrence, so any number of silos, a failover or a
/// catch-up store each miss once and never one for a report another silo stored. The deadline timer does not
/// interleave with calls, so a report being stored by this activation is committed before its deadline is decided.
/// </summary>
public sealed partial class ServiceMonitorGrain
{
    /// <summary>At most this many missed deadlines are stored by one catch-up (after the fleet was down); older ones are skipped and logged.</summary>
    internal const int MaxCatchUpDeadlines = 1000;

    /// <summary>Reports kept in memory to decide deadlines without asking PostgreSQL (and to count reports still in this silo's journal).</summary>
    private const int MaxRememberedReports = 1000;

    private static readonly TimeSpan RetryDeadlinesAfter = TimeSpan.FromSeconds(5);

    /// <summary>How stale the stored decided-through mark may get while deadlines pass without a miss (a crash re-decides at most this much).</summary>
    private static readonly TimeSpan PersistDecidedEvery = TimeSpan.FromMinutes(10);

    /// <summary>A heartbeat's schedule and progress; null for other types (memory per service counts).</summary>
    private HeartbeatState? beat;

    /// <summary>The decrypted token of a heartbeat (shown as ping_url to keys that may see the service).</summary>
    private string? pingToken;

    public async Task<Outcome<bool>> ReportPingAsync(PingReport report)
    {
        if (config is not { IsHeartbeat: true } current || !PingToken.Matches(current.PingTokenHash, report.TokenHash))
        {
            return Failure.NotFound("Unknown ping token");
        }

        var now = services.Time.GetUtcNow().ToMilliseconds();
        if (current.Enabled && beat is not null && runtime.RunStartedAt is { } begun && begun + TimeSpan.FromMilliseconds(current.TimeoutMs) <= now)
        {
            // The run this report ends is already over its timeout: that is decided first (once), then the report is stored.
            await DecideDeadlinesAsync();
        }

        if (report.Kind == PingKind.Start)
        {
            await services.Heartbeats.SetRunStartedAsync(Id, now);
            runtime = runtime with { RunStartedAt = now };
            ArmDeadline(now);
            return Outcome<bool>.Ok(true);
        }

        var startedAt = runtime.RunStartedAt;
        var draft = new StatusDraft(Id, current.ClientId, PingResult.Of(report, now, startedAt), CheckTrigger.Ping, now,
            services.Maintenance.Covers(current.ClientId, Id, now));
        try
        {
            OnCommitted(await services.Writer.WriteAsync(draft));
            CountResult(CheckTrigger.Ping, draft.Result.Status);
        }
        catch (ResultJournaledException)
        {
            // Safe on this silo's disk and stored when PostgreSQL is back; remembered below, so this activation does not call it missed.
            alerting.Forget();
            CountResult(CheckTrigger.Ping, draft.Result.Status);
        }
        catch (ResultNotStoredException ex)
        {
            return Failure.Unavailable($"The report could not be stored: {ex.Message}");
        }

        beat?.Remember(now);
        if (startedAt is not null)
        {
            runtime = runtime with { RunStartedAt = null };
            await ClearRunStartAsync();
            ArmDeadline(now);
        }

        return Outcome<bool>.Ok(true);
    }

    public async Task<Outcome<ServiceRecord>> NewPingTokenAsync(long? scopeClientId)
    {
        if (!IsVisibleTo(scopeClientId))
        {
            return NotFound<ServiceRecord>();
        }

        if (!config!.IsHeartbeat)
        {
            return Failure.BadRequest($"Service {Id} is {Monitors.MonitorRules.Article(config.Type)} {config.Type} service: only a heartbeat has a ping token");
        }

        var (next, token) = WithNewPingToken(config);
        config = await services.Store.UpdateAsync(next) ?? throw new InvalidOperationException($"Service {Id} vanished while its token was replaced");
        pingToken = token;
        var record = Record();
        services.Feed.Publish(new FeedEvent(FeedEventKind.ServicePatched, Service: record));
        return Outcome<ServiceRecord>.Ok(record);
    }

    /// <summary>A config with a new token (hash and ciphertext), and the token.</summary>
    private (ServiceConfig Config, string Token) WithNewPingToken(ServiceConfig draft)
    {
        var token = PingToken.New();
        return (draft with { PingTokenHash = PingToken.Hash(token), PingTokenCiphertext = services.Protector.Protect(token, PingTokenContext(Id)) }, token);
    }

    /// <summary>A heartbeat gets its token when it becomes one; any other type has none.</summary>
    private ServiceConfig WithPingToken(ServiceConfig draft, out string? token)
    {
        token = null;
        if (!draft.IsHeartbeat)
        {
            return draft with { PingTokenHash = null, PingTokenCiphertext = null };
        }

        if (draft.PingTokenCiphertext is not null)
        {
            token = pingToken;
            return draft;
        }

        (draft, token) = WithNewPingToken(draft);
        return draft;
    }

    private string? ReadPingToken(ServiceConfig stored) =>
        stored.IsHeartbeat && stored.PingTokenCiphertext is { } cipher ? services.Protector.Unprotect(cipher, PingTokenContext(Id), $"service {Id}") : null;

    /// <summary>The associated data the token is encrypted under: it cannot be moved to another service or column.</summary>
    internal static string PingTokenContext(long serviceId) => $"client_services/{serviceId}/ping_token";

    /// <summary>
    /// Where a heartbeat's decisions go on from after an activation: its stored mark, never before its creation or further
    /// back than the history kept (older reports are pruned, so they could not be told from misses).
    /// </summary>
    private DateTimeOffset ResumeDecidingFrom(ServiceConfig stored, ServiceRuntime loaded)
    {
        var floor = Max(stored.CreatedAt, services.Time.GetUtcNow() - services.HistoryOptions.Value.Retention);
        return Max(floor, Max(loaded.DecidedThrough ?? DateTimeOffset.MinValue, handedOverBeat?.DecidedThrough ?? DateTimeOffset.MinValue));
    }

    /// <summary>Plans the deadline timer of an enabled heartbeat; when resuming, first decides the deadlines that passed meanwhile.</summary>
    private async Task ApplyHeartbeatScheduleAsync(ServiceConfig? previous, bool resuming)
    {
        var schedule = new HeartbeatSchedule(CronSchedule.Parse(config!.CronSchedule, config.CronTimezone), TimeSpan.FromSeconds(config.GraceSeconds));
        var now = services.Time.GetUtcNow().ToMilliseconds();
        if (beat is null)
        {
            beat = new HeartbeatState(schedule, resumeDecidingFrom ?? now);
            beat.Remember(handedOverBeat?.LastReport);
        }
        else
        {
            beat.Schedule = schedule;
        }

        if (resuming)
        {
            await DecideDeadlinesAsync();
            return;
        }

        var startsCounting = previous is null || !previous.Enabled || !previous.IsHeartbeat;
        if (startsCounting || previous!.CronSchedule != config.CronSchedule || previous.CronTimezone != config.CronTimezone)
        {
            // Created, enabled, made a heartbeat or given another cron: occurrences count from now (a new cron's past
            // occurrences were never due). A grace or timeout change keeps the mark: pending occurrences get the new grace.
            beat.DecidedThrough = Max(startsCounting ? DateTimeOffset.MinValue : beat.DecidedThrough, now);
            if (startsCounting && runtime.RunStartedAt is not null)
            {
                // A /start received while it was disabled starts no run that could be "not finished".
                runtime = runtime with { RunStartedAt = null };
                await ClearRunStartAsync();
            }

            await PersistDecidedAsync(beat.DecidedThrough);
        }

        ArmDeadline(now);
    }

    private HeartbeatDeadlineTimer DeadlineTimer => deadlineTimer ??= new HeartbeatDeadlineTimer(dueIn => this.RegisterGrainTimer(OnDeadlineTimerAsync, new GrainTimerCreationOptions
    {
        DueTime = dueIn,
        Period = Timeout.InfiniteTimeSpan,
        Interleave = false,
        KeepAlive = true,
    }), services.Time);

    private async Task OnDeadlineTimerAsync()
    {
        if (config is not { Enabled: true, IsHeartbeat: true } || beat is null || deadlineTimer?.Armed is not { } armed)
        {
            return;
        }

        if (services.Time.GetUtcNow() < armed.FireAt)
        {
            // A step of a far deadline (timers are set at most a day ahead).
            DeadlineTimer.Arm(armed);
            return;
        }

        await DecideDeadlinesAsync();
        await uptime.SnapshotIfDueAsync(checks.OldestStartedAt);
    }

    /// <summary>Stores a miss for every deadline up to now with no report in its window, and an unfinished run; then arms the next.</summary>
    private async Task DecideDeadlinesAsync()
    {
        var now = services.Time.GetUtcNow();
        var current = config!;
        var state = beat!;
        if (services.Writer.JournalBytes > 0)
        {
            // Reports may wait in this silo's journal for PostgreSQL: decide once they are stored.
            DeadlineTimer.Arm(new ScheduledCheck(now, now + RetryDeadlinesAfter));
            return;
        }

        var dues = state.Schedule.Between(state.DecidedThrough, now, MaxCatchUpDeadlines, out var skipped);
        if (skipped != 0)
        {
            LogDeadlinesSkipped(logger, Id, skipped < 0 ? "many" : skipped.ToString(CultureInfo.InvariantCulture), dues[0].Occurrence);
        }

        var deadlines = new List<HeartbeatStore.Deadline>(dues.Count + 1);
        foreach (var due in dues.Where(d => !state.Knows(d.Covers)))
        {
            var since = Max(due.Previous, current.CreatedAt).ToMilliseconds().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            deadlines.Add(new HeartbeatStore.Deadline(due.Previous, due.Deadline, false, $"miss:{due.Occurrence.ToUnixTimeMilliseconds()}", 0,
                $"no ping received since {since}", services.Maintenance.Covers(current.ClientId, Id, due.Deadline)));
        }

        var runStarted = runtime.RunStartedAt;
        var runDeadline = (runStarted + TimeSpan.FromMilliseconds(current.TimeoutMs))?.ToMilliseconds();
        var runOver = runStarted is { } started && runDeadline <= now && !state.Knows(t => t >= started);
        if (runOver)
        {
            deadlines.Add(new HeartbeatStore.Deadline(runStarted!.Value, runDeadline!.Value, true, $"run:{runStarted.Value.ToUnixTimeMilliseconds()}", current.TimeoutMs,
                "started but did not finish", services.Maintenance.Covers(current.ClientId, Id, runDeadline.Value)));
        }

        var through = dues.Count > 0 ? dues[^1].Occurrence : state.DecidedThrough;
        IReadOnlyList<StatusRecord> stored = [];
        if (deadlines.Count > 0 || through - state.PersistedThrough >= PersistDecidedEvery)
        {
            try
            {
                stored = await services.Heartbeats.DecideAsync(Id, current.ClientId, deadlines, through);
                state.PersistedThrough = Max(state.PersistedThrough, through);
            }
            catch (Exception ex)
            {
                // PostgreSQL is away (or the statement failed): nothing was decided; try again shortly from the same point.
                LogDeadlinesNotDecided(logger, Id, ex.Message);
                DeadlineTimer.Arm(new ScheduledCheck(now, now + RetryDeadlinesAfter));
                return;
            }
        }

        state.Decided(through);
        if (runStarted is { } began && (runOver || state.Knows(t => t >= began)))
        {
            runtime = runtime with { RunStartedAt = null };
            await ClearRunStartAsync();
        }

        foreach (var record in stored)
        {
            OnCommitted(record);
            CountResult(record.Trigger, record.Status);
        }

        ArmDeadline(now);
    }

    /// <summary>Arms the deadline timer for the next occurrence's deadline, or the end of the run under way, whichever is first.</summary>
    private void ArmDeadline(DateTimeOffset now)
    {
        if (config is not { Enabled: true, IsHeartbeat: true } current || beat is null)
        {
            return;
        }

        var next = beat.Schedule.NextAfter(beat.DecidedThrough);
        DateTimeOffset? fireAt = next is { } due
            ? due.Deadline + SpreadOffset.For(Id, SpreadLimits.Tight, due.Occurrence - due.Previous)
            : null;
        if (runtime.RunStartedAt is { } started && started + TimeSpan.FromMilliseconds(current.TimeoutMs) is var runDeadline && (fireAt is null || runDeadline < fireAt))
        {
            fireAt = runDeadline;
        }

        runtime = runtime with { NextCheckAt = next?.Deadline.ToMilliseconds() };
        if (fireAt is { } at)
        {
            DeadlineTimer.Arm(new ScheduledCheck(next?.Occurrence ?? at, Max(at, now)));
        }
        else
        {
            deadlineTimer?.Disarm();
        }
    }

    private async Task PersistDecidedAsync(DateTimeOffset through)
    {
        try
        {
            await services.Heartbeats.SetDecidedThroughAsync(Id, through);
            beat!.PersistedThrough = through;
        }
        catch (Exception ex)
        {
            // The mark in memory holds; after a crash before the next write the grain decides from the older one.
            LogDecidedNotKept(logger, Id, ex.Message);
        }
    }

    private async Task ClearRunStartAsync()
    {
        try
        {
            await services.Heartbeats.SetRunStartedAsync(Id, null);
        }
        catch (Exception ex)
        {
            // Harmless if it stays: a later activation finds the run reported (or decides it once, by its unique key).
            LogRunStartNotCleared(logger, Id, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Heartbeat {ServiceId}: {Skipped} older deadlines were not decided (a catch-up decides at most the latest 1000, from {From})")]
    private static partial void LogDeadlinesSkipped(ILogger logger, long serviceId, string skipped, DateTimeOffset from);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Heartbeat {ServiceId}: its deadlines could not be decided now, trying again in 5 s: {Reason}")]
    private static partial void LogDeadlinesNotDecided(ILogger logger, long serviceId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Heartbeat {ServiceId}: the finished run's start could not be cleared: {Reason}")]
    private static partial void LogRunStartNotCleared(ILogger logger, long serviceId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Heartbeat {ServiceId}: where its decisions start could not be stored: {Reason}")]
    private static partial void LogDecidedNotKept(ILogger logger, long serviceId, string reason);

    /// <summary>A heartbeat's schedule, how far its occurrences are decided, and the reports this activation took.</summary>
    private sealed class HeartbeatState(HeartbeatSchedule schedule, DateTimeOffset decidedThrough)
    {
        private readonly List<DateTimeOffset> reports = [];

        public HeartbeatSchedule Schedule { get; set; } = schedule;

        /// <summary>Every occurrence up to this time is decided (missed or reported) or was never due.</summary>
        public DateTimeOffset DecidedThrough { get; set; } = decidedThrough;

        /// <summary>The decided-through mark last written to PostgreSQL.</summary>
        public DateTimeOffset PersistedThrough { get; set; } = decidedThrough;

        public DateTimeOffset? LastReport => reports.Count == 0 ? null : reports[^1];

        public void Remember(DateTimeOffset? reportedAt)
        {
            if (reportedAt is not { } at)
            {
                return;
            }

            var index = reports.BinarySearch(at);
            reports.Insert(index < 0 ? ~index : index, at);
            if (reports.Count > MaxRememberedReports)
            {
                reports.RemoveAt(0);
            }
        }

        public bool Knows(Func<DateTimeOffset, bool> match) => reports.Exists(t => match(t));

        /// <summary>Moves the mark and forgets the reports no later window can hold.</summary>
        public void Decided(DateTimeOffset through)
        {
            DecidedThrough = Max(DecidedThrough, through);
            var windowsStartAfter = Schedule.NextAfter(DecidedThrough)?.Previous ?? DecidedThrough;
            reports.RemoveAll(t => t <= windowsStartAfter);
        }
    }

    /// <summary>What a migration carries of a heartbeat: its decided-through mark and latest report.</summary>
    private sealed record HeartbeatHandOver(DateTimeOffset DecidedThrough, DateTimeOffset? LastReport);
}
