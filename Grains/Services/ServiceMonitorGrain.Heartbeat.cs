using System.Globalization;
using Microsoft.Extensions.Logging;
using Monitoring.Grains.Data;
using Monitoring.Grains.Heartbeats;
using Monitoring.Grains.Interfaces;
using Monitoring.Grains.History;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Scheduling;

namespace Monitoring.Grains.Services;

/// <summary>
/// Heartbeats (monitors.md): the job reports to us, and the grain's own cron decides when a report is overdue. At each
/// deadline (occurrence + grace) the grain asks PostgreSQL to store a miss unless a report lies in the window
/// (<see cref="HeartbeatStore"/>): one statement, idempotent per deadline, so any number of silos, a failover or a
/// catch-up store each miss once and never one for a report another silo stored. The deadline timer does not
/// interleave with calls, so a report being stored by this activation is committed before its deadline is decided.
/// </summary>
public sealed partial class ServiceMonitorGrain
{
    /// <summary>At most this many missed deadlines are stored by one catch-up (after the fleet was down); older ones are skipped and logged.</summary>
    internal const int MaxCatchUpDeadlines = 1000;

    private static readonly TimeSpan RetryDeadlinesAfter = TimeSpan.FromSeconds(5);

    private HeartbeatSchedule? heartbeat;

    /// <summary>Every deadline up to this time has been decided (or lies before the heartbeat began to count).</summary>
    private DateTimeOffset heartbeatThrough;

    /// <summary>The latest report this activation took (also one kept only in the journal while PostgreSQL was away).</summary>
    private DateTimeOffset? lastReportAt;

    /// <summary>The decrypted token of a heartbeat (shown as ping_url to keys that may see the service).</summary>
    private string? pingToken;

    public async Task<Outcome<bool>> ReportPingAsync(PingReport report)
    {
        if (config is not { IsHeartbeat: true } current || !PingToken.Matches(current.PingTokenHash, report.TokenHash))
        {
            return Failure.NotFound("Unknown ping token");
        }

        var now = services.Time.GetUtcNow().ToMilliseconds();
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
        lastReportAt = Max(lastReportAt ?? DateTimeOffset.MinValue, now);
        try
        {
            OnCommitted(await services.Writer.WriteAsync(draft));
        }
        catch (ResultJournaledException)
        {
            // Safe on this silo's disk and stored when PostgreSQL is back; lastReportAt keeps this activation from calling it missed.
            alerting.Forget();
        }
        catch (ResultNotStoredException ex)
        {
            return Failure.Unavailable($"The report could not be stored: {ex.Message}");
        }

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
            return Failure.BadRequest($"Service {Id} is a{(config.IsHttp ? "n" : string.Empty)} {config.Type} service: only a heartbeat has a ping token");
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

    /// <summary>Plans the deadline timer of an enabled heartbeat; when resuming, first decides the deadlines that passed meanwhile.</summary>
    private async Task ApplyHeartbeatScheduleAsync(ServiceConfig? previous, bool resuming)
    {
        heartbeat = new HeartbeatSchedule(CronSchedule.Parse(config!.CronSchedule, config.CronTimezone), TimeSpan.FromSeconds(config.GraceSeconds));
        var now = services.Time.GetUtcNow();
        if (!resuming)
        {
            // Enabled, created or rescheduled now: only deadlines from now on count (nothing was due before).
            heartbeatThrough = previous is { Enabled: true } ? Max(heartbeatThrough, now) : now;
            ArmDeadline(now);
            return;
        }

        await DecideDeadlinesAsync();
    }

    private async Task OnDeadlineTimerAsync()
    {
        if (config is not { Enabled: true, IsHeartbeat: true } || heartbeat is null || deadlineTimer.Armed is not { } armed)
        {
            return;
        }

        if (services.Time.GetUtcNow() < armed.FireAt)
        {
            // A step of a far deadline (timers are set at most a day ahead).
            deadlineTimer.Arm(armed);
            return;
        }

        await DecideDeadlinesAsync();
    }

    /// <summary>Stores a miss for every deadline up to now with no report in its window, and an unfinished run; then arms the next.</summary>
    private async Task DecideDeadlinesAsync()
    {
        var now = services.Time.GetUtcNow();
        var current = config!;
        var dues = heartbeat!.Between(heartbeatThrough, now, MaxCatchUpDeadlines, out var skipped);
        if (skipped > 0)
        {
            LogDeadlinesSkipped(logger, Id, skipped);
        }

        var deadlines = new List<HeartbeatStore.Deadline>(dues.Count + 1);
        foreach (var due in dues)
        {
            if (lastReportAt is { } reported && due.Covers(reported))
            {
                continue;
            }

            var since = Max(due.Previous, current.CreatedAt);
            deadlines.Add(new HeartbeatStore.Deadline(due.Previous, due.Deadline, false, 0,
                $"no ping received since {since.ToMilliseconds().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)}",
                services.Maintenance.Covers(current.ClientId, Id, due.Deadline)));
        }

        var runStarted = runtime.RunStartedAt;
        var runDeadline = runStarted + TimeSpan.FromMilliseconds(current.TimeoutMs);
        var runOver = runStarted is { } started && runDeadline <= now && !(lastReportAt is { } last && last >= started);
        if (runOver)
        {
            deadlines.Add(new HeartbeatStore.Deadline(runStarted!.Value, runDeadline!.Value.ToMilliseconds(), true, current.TimeoutMs,
                "started but did not finish", services.Maintenance.Covers(current.ClientId, Id, runDeadline.Value)));
        }

        IReadOnlyList<StatusRecord> stored;
        try
        {
            stored = await services.Heartbeats.RecordMissesAsync(Id, current.ClientId, deadlines);
        }
        catch (Exception ex)
        {
            // PostgreSQL is away (or the statement failed): nothing was decided; try again shortly from the same point.
            LogDeadlinesNotDecided(logger, Id, ex.Message);
            deadlineTimer.Arm(new ScheduledCheck(now, now + RetryDeadlinesAfter));
            return;
        }

        heartbeatThrough = Max(heartbeatThrough, now);
        if (runStarted is not null && (runOver || (lastReportAt is { } reportedAfter && reportedAfter >= runStarted)))
        {
            runtime = runtime with { RunStartedAt = null };
            await ClearRunStartAsync();
        }

        foreach (var record in stored)
        {
            OnCommitted(record);
        }

        ArmDeadline(now);
    }

    /// <summary>Arms the deadline timer for the next deadline after what was decided, or the end of the run under way, whichever is first.</summary>
    private void ArmDeadline(DateTimeOffset now)
    {
        if (config is not { Enabled: true, IsHeartbeat: true } current || heartbeat is null)
        {
            return;
        }

        var next = heartbeat.NextAfter(heartbeatThrough);
        DateTimeOffset? fireAt = next is { } due
            ? due.Deadline + SpreadOffset.For(Id, services.ScheduleOptions.Value.MaxSpread, due.Occurrence - due.Previous)
            : null;
        if (runtime.RunStartedAt is { } started && started + TimeSpan.FromMilliseconds(current.TimeoutMs) is var runDeadline && (fireAt is null || runDeadline < fireAt))
        {
            fireAt = runDeadline;
        }

        runtime = runtime with { NextCheckAt = next?.Deadline.ToMilliseconds() };
        if (fireAt is { } at)
        {
            deadlineTimer.Arm(new ScheduledCheck(next?.Occurrence ?? at, Max(at, now)));
        }
        else
        {
            deadlineTimer.Disarm();
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
            // Harmless if it stays: a later activation finds the run reported (or decides it once, by its unique deadline).
            LogRunStartNotCleared(logger, Id, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Heartbeat {ServiceId}: {Skipped} older missed deadlines were not stored (a catch-up stores at most the latest 1000)")]
    private static partial void LogDeadlinesSkipped(ILogger logger, long serviceId, int skipped);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Heartbeat {ServiceId}: its deadlines could not be decided now, trying again in 5 s: {Reason}")]
    private static partial void LogDeadlinesNotDecided(ILogger logger, long serviceId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Heartbeat {ServiceId}: the finished run's start could not be cleared: {Reason}")]
    private static partial void LogRunStartNotCleared(ILogger logger, long serviceId, string reason);
}
