using Microsoft.Extensions.Logging;
using Monitoring.Grains.Alerting;
using Monitoring.Grains.Checking;
using Monitoring.Grains.Data;
using Monitoring.Grains.History;
using Monitoring.Grains.Interfaces;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Scheduling;
using Orleans.Placement;

namespace Monitoring.Grains.Services;

/// <summary>
/// One monitored endpoint. Its client_services row is the record of its config (finds and operators read
/// it, and one store cannot disagree with itself); this grain is that row's only writer and keeps it and its
/// own state in step. An enabled row is all a service needs to be scheduled: the fleet's sweeps wake every enabled
/// service whose grain is not active (<see cref="Fleet.ScheduleKeeper"/>).
/// The grain orders the steps; <see cref="ServiceValidator"/>, <see cref="ScheduleCursor"/>,
/// <see cref="CheckRunner"/> and <see cref="UptimeTracker"/> decide and do them.
/// </summary>
/// <remarks>
/// The grain type is named explicitly: stored state (and earlier versions' reminders) are keyed by it. Placement by activation
/// count spreads a client's services over the fleet (they are all created from that client's grain, which
/// a placement that prefers the caller's silo would pile onto one silo).
/// </remarks>
[GrainType("servicemonitor")]
[ActivationCountBasedPlacement]
public sealed partial class ServiceMonitorGrain : Grain, IServiceMonitorGrain, IRemindable, IGrainMigrationParticipant, ICheckRunnerOwner, ICheckTimerOwner
{
    private readonly ServiceMonitorDependencies services;
    private readonly ILogger<ServiceMonitorGrain> logger;
    private readonly UptimeTracker uptime;
    private readonly CheckRunner checks;
    private readonly CheckTimer timer;

    /// <summary>
    /// A heartbeat's deadlines (not interleaved with calls, unlike <see cref="timer"/>: a report in flight is stored
    /// first). Made for heartbeats only: most grains never need it, and memory per service counts.
    /// </summary>
    private HeartbeatDeadlineTimer? deadlineTimer;
    private readonly ServiceAlerting alerting;

    private ServiceConfig? config;
    private ServiceRuntime runtime = ServiceRuntime.Empty;
    private ScheduleCursor? cursor;

    /// <summary>The occurrence of the last scheduled check started (or the creation time).</summary>
    private DateTimeOffset lastStartedOccurrence;

    /// <summary>A heartbeat's decided-through mark as the activation found it (see <c>ResumeDecidingFrom</c>).</summary>
    private DateTimeOffset? resumeDecidingFrom;

    public ServiceMonitorGrain(
        ServiceMonitorDependencies services,
        [PersistentState(StorageNames.MonitorState, StorageNames.Uptime)] IPersistentState<ServiceMonitorState> state,
        ILogger<ServiceMonitorGrain> logger)
    {
        this.services = services;
        this.logger = logger;
        var id = this.GetPrimaryKeyLong();
        uptime = new UptimeTracker(id, state, services, logger);
        checks = new CheckRunner(id, services, logger, this);
        alerting = new ServiceAlerting(id, services.Incidents, services.Feed, services.Time, logger, services.Activations.Rebuilt);

        // On the silo's one clock; the tick runs beside calls (it only starts a check and re-arms).
        timer = new CheckTimer(services.Clock, GrainContext, this, services.Time, logger);
    }

    void ICheckRunnerOwner.OnCommitted(StatusRecord record) => OnCommitted(record);

    void ICheckRunnerOwner.OnJournaled()
    {
        // A journaled result is stored later, unseen here: incidents and the maintenance count ask the table again.
        alerting.Forget();
        uptime.NoteMaintenance(null);
        ForgetHistory();
    }

    Task ICheckTimerOwner.OnTickAsync() => OnTimerAsync();

    void ICheckTimerOwner.KeepAlive(TimeSpan period) => this.DelayDeactivation(period);

    private long Id => this.GetPrimaryKeyLong();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Not disposed here: the token may be cancelled after this method ends, before Orleans sees that it ended (and
        // then it deactivates without OnDeactivateAsync). Orleans disposes the token's source when activating is over.
        cancellationToken.UnsafeRegister(static timer => ((CheckTimer)timer!).DoubtActivation(), timer);
        try
        {
            await ActivateAsync(cancellationToken);
        }
        catch
        {
            timer.DoubtActivation();
            throw;
        }
    }

    private async Task ActivateAsync(CancellationToken cancellationToken)
    {
        // The mark is taken before the read: a journal replay stored after it may hold results the history read did not
        // see. A sweep that woke this grain may have read both already; a grain arriving by migration reads its own (and
        // throws away any such read: see ActivationPrefetch).
        var prefetched = services.Prefetch.TryTake(Id, out var stored, out var replays, out var readAt, out var fleetWhenRead, out var uptimeRead)
            && handedOverOccurrence is null;
        services.Activations.Activated(prefetched);
        if (!prefetched)
        {
            replays = services.Writer.MarkReplays();
            readAt = services.Time.GetUtcNow();
            stored = await services.Store.LoadAsync(Id);
        }

        if (stored is null)
        {
            // Never created, or removed: whatever a crash left behind goes now.
            await uptime.ClearAsync();
            return;
        }

        config = stored.Config;
        alerting.Preload(stored.History, config.FailureThreshold, () => services.Writer.NothingReplayedSince(replays), readAt,
            prefetched ? () => services.Prefetch.AloneSince(fleetWhenRead) : null);
        runtime = stored.Runtime;
        pingToken = TryReadPingToken(config);
        resumeDecidingFrom = config.IsHeartbeat ? ResumeDecidingFrom(config, runtime) : null;
        // The stored start of the last scheduled check says which occurrence it ran only through the schedule (an
        // offset may reach almost the whole gap): ApplyScheduleAsync maps it once it has the cursor.
        // A migration carries the position; so does a deactivation for a directory entry on this silo (DirectoryRewake).
        lastStartedOccurrence = Max(config.CreatedAt, Max(handedOverOccurrence ?? DateTimeOffset.MinValue, services.Rewake.Carried(Id) ?? DateTimeOffset.MinValue));
        if (handedOverOccurrence is null && services.Local.TargetFor(Id) is { } target)
        {
            // This silo is leaving and a call activated the grain here anyway: follow the others before arming
            // anything (the stored state travels as read). A grain that arrived by migration stays: the
            // leaving silo's own passes move it, so two silos stopping together cannot bounce it between them.
            MoveTo(target);
            return;
        }

        // The sweep's read of what completes the window, as the state it read was restored: unless a journal replayed since
        // stored results that read did not see.
        await uptime.LoadAsync(everChecked: runtime.LastCheckedAt is not null,
            prefetched && services.Writer.NothingReplayedSince(replays) ? uptimeRead : null);

        // Orleans gave up on this activation while it read: arm nothing, count nothing (the catch doubts the timer).
        cancellationToken.ThrowIfCancellationRequested();
        await ApplyScheduleAsync(previous: null, resuming: true, lastScheduledCheckAt: stored.LastScheduledCheckAt);
        if (!config.Enabled)
        {
            // An incident left open by a disable whose resolve was never written (its silo died) resolves now.
            alerting.Disable(config);
        }

        // Last: an activation that failed above (or that Orleans gave up on) never reaches OnDeactivateAsync, which
        // removes the id.
        cancellationToken.ThrowIfCancellationRequested();
        services.Local.Add(Id);
        StartHosting();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Out of the set first: a periodic sweep must not take a grain that is going (it may take seconds to store its
        // checks in flight) for one that is scheduled. And no later activation may take what a sweep read while this one
        // was active (see ActivationPrefetch).
        services.Local.Remove(Id);
        services.Prefetch.Withdraw(Id);
        await timer.StopAsync();
        deadlineTimer?.Disarm();
        try
        {
            await checks.WaitAsync(cancellationToken);
            await alerting.WaitAsync(cancellationToken);
            if (cancellationToken.IsCancellationRequested)
            {
                // Out of time: what is still running stores its results later, unseen by histories read before.
                services.Prefetch.Abandoned();
            }

            if (beat is { } state && state.DecidedThrough > state.PersistedThrough && reason.ReasonCode != DeactivationReasonCode.Migrating)
            {
                await PersistDecidedAsync(state.DecidedThrough);
            }

            if (config is not null && reason.ReasonCode == DeactivationReasonCode.Migrating)
            {
                uptime.CarryAcross(checks.OldestStartedAt);
            }
            else if (config is not null)
            {
                await uptime.SnapshotBeforeDeactivationAsync(checks.OldestStartedAt, cancellationToken);
            }
        }
        finally
        {
            // Again once its last writes are done: a sweep may have read (and reserved) meanwhile.
            services.Prefetch.Withdraw(Id);
            StopHosting();
            if (reason.ReasonCode == DeactivationReasonCode.DirectoryFailure && config is { Enabled: true } && services.Local.DrainTargets is null)
            {
                // Another silo left with this grain's directory entry: nothing else would call it until a sweep.
                services.Rewake.Dropped(Id, lastStartedOccurrence);
            }
        }
    }

    public async Task<Outcome<ServiceRecord>> CreateAsync(long clientId, ServiceFields fields)
    {
        if (config is not null)
        {
            return Failure.Conflict($"Service {Id} already exists");
        }

        var blank = new ServiceConfig { Id = Id, ClientId = clientId, Name = string.Empty, EndpointUrl = string.Empty };
        if (!ServiceValidator.TryApply(blank, fields, creating: true, out var draft, out var invalid, services.DeniedNetworks))
        {
            return invalid!;
        }

        draft = WithPingToken(WithPassword(draft, PasswordChange.From(fields.BasicAuthPassword)), out var token);
        if (await CheckLinksAsync(draft, fields) is { } badLink)
        {
            return badLink;
        }

        // All or nothing: whatever fails after the first write undoes every write before the error travels on.
        try
        {
            var inserted = await services.Store.InsertAsync(draft);
            if (inserted.Failure is { } failure)
            {
                await uptime.ClearAsync();
                return failure;
            }

            config = inserted.Value!;
            pingToken = token;
            services.Local.Add(Id);
            lastStartedOccurrence = services.Time.GetUtcNow();
            uptime.StartEmpty();
            alerting.Preload(IncidentHistory.None, config.FailureThreshold, static () => true, services.Time.GetUtcNow());
            await ApplyScheduleAsync(previous: null, resuming: false);
            StartHosting();
        }
        catch (Exception)
        {
            await UndoCreateAsync();
            throw;
        }

        var record = Record();
        services.Feed.Publish(new FeedEvent(FeedEventKind.ServiceCreated, Service: record));
        return Outcome<ServiceRecord>.Ok(record);
    }

    public Task<Outcome<ServiceRecord>> GetAsync(long? scopeClientId) =>
        Task.FromResult(IsVisibleTo(scopeClientId) ? Outcome<ServiceRecord>.Ok(Record()) : NotFound<ServiceRecord>());

    public Task<Outcome<ServiceRecord>> PatchAsync(ServiceFields fields, long? scopeClientId) => ChangeAsync(fields, scopeClientId, replace: false);

    public Task<Outcome<ServiceRecord>> ReplaceAsync(ServiceFields fields, long? scopeClientId) => ChangeAsync(fields, scopeClientId, replace: true);

    public async Task<Outcome<ServiceRecord>> RemoveAsync(long? scopeClientId)
    {
        if (!IsVisibleTo(scopeClientId))
        {
            return NotFound<ServiceRecord>();
        }

        var removed = Record() with { NextCheckAt = null };
        await TearDownAsync();
        services.Feed.Publish(new FeedEvent(FeedEventKind.ServiceRemoved, Service: removed));
        return Outcome<ServiceRecord>.Ok(removed);
    }

    public async Task<Outcome<StatusRecord>> CheckNowAsync(long? scopeClientId)
    {
        if (!IsVisibleTo(scopeClientId))
        {
            return NotFound<StatusRecord>();
        }

        if (config!.IsHeartbeat)
        {
            return Failure.BadRequest($"Service {Id} is a heartbeat: there is nothing to call (its job reports to its ping_url)");
        }

        try
        {
            if (await checks.Start(config!, CheckTrigger.Manual) is not { } record)
            {
                return NotFound<StatusRecord>();
            }

            // Answer once the result's incident decision is written too (a read after the answer sees it), but not
            // later than 10 s: while PostgreSQL struggles the decision goes on in the background.
            using (var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
            {
                await alerting.WaitAsync(bound.Token);
            }
            return Outcome<StatusRecord>.Ok(record);
        }
        catch (ResultNotStoredException ex)
        {
            return Failure.Unavailable($"The check ran but its result could not be stored: {ex.Message}");
        }
    }

    public async Task<Outcome<UptimeReport>> GetUptimeAsync(UptimeQuery query, long? scopeClientId)
    {
        if (!IsVisibleTo(scopeClientId))
        {
            return NotFound<UptimeReport>();
        }

        var retention = services.HistoryOptions.Value.Retention;
        if (query.Length > retention)
        {
            return Failure.Invalid("period", $"is longer than the history kept ({retention.TotalDays:0.##} days)");
        }

        return Outcome<UptimeReport>.Ok(await uptime.ReportAsync(query));
    }

    public async Task<Outcome<IncidentRecord>> AcknowledgeIncidentAsync(long incidentId, bool acknowledged, long? scopeClientId)
    {
        if (!IsVisibleTo(scopeClientId))
        {
            return Failure.NotFound($"No record found for id '{incidentId}'");
        }

        return await alerting.AcknowledgeAsync(incidentId, acknowledged) is { } row
            ? Outcome<IncidentRecord>.Ok(row.ToRecord())
            : Failure.NotFound($"No record found for id '{incidentId}'");
    }

    public async Task DropAlertChannelAsync(long channelId)
    {
        if (config is null || !config.AlertChannelIds.Contains(channelId))
        {
            return;
        }

        var next = config with { AlertChannelIds = config.AlertChannelIds.Where(id => id != channelId).ToArray() };
        config = await services.Store.UpdateAsync(next) ?? config;
        services.Feed.Publish(new FeedEvent(FeedEventKind.ServicePatched, Service: Record()));
    }

    public async Task<bool> ReencryptCredentialsAsync()
    {
        if (config is null)
        {
            return false;
        }

        // The password and the ping token, each on its own: a heartbeat has a token and never a password.
        var rotated = config;
        if (config.PasswordCiphertext is { } stored && !services.Protector.IsCurrent(stored))
        {
            rotated = rotated with { PasswordCiphertext = services.Protector.Protect(services.Protector.Unprotect(stored, Id), Id) };
        }

        if (config.PingTokenCiphertext is { } token && !services.Protector.IsCurrent(token))
        {
            rotated = rotated with { PingTokenCiphertext = services.Protector.Protect(services.Protector.Unprotect(token, PingTokenContext(Id), $"service {Id}"), PingTokenContext(Id)) };
        }

        if (ReferenceEquals(rotated, config))
        {
            return false;
        }

        config = await services.Store.UpdateAsync(rotated) ?? config;
        return true;
    }

    private async Task<Outcome<ServiceRecord>> ChangeAsync(ServiceFields fields, long? scopeClientId, bool replace)
    {
        if (!IsVisibleTo(scopeClientId))
        {
            return NotFound<ServiceRecord>();
        }

        var previous = config!;
        if (fields.ClientId is { IsSet: true, Value: var clientId } && clientId != previous.ClientId)
        {
            return Failure.Invalid("client_id", "cannot be changed; create the service under the other client instead");
        }

        // A replace starts from the defaults (keeping identity and creation time); a patch from what is stored.
        var start = replace
            ? new ServiceConfig
            {
                Id = Id, ClientId = previous.ClientId, Name = string.Empty, EndpointUrl = string.Empty, CreatedAt = previous.CreatedAt,

                // A heartbeat replaced as a heartbeat keeps its token (a PUT of what a GET gave must not break the job's URL).
                PingTokenHash = previous.PingTokenHash, PingTokenCiphertext = previous.PingTokenCiphertext,
            }
            : previous;
        if (!ServiceValidator.TryApply(start, fields, creating: replace, out var next, out var invalid, services.DeniedNetworks))
        {
            return invalid!;
        }

        next = WithPingToken(WithPassword(next, PasswordChange.From(fields.BasicAuthPassword)), out var token);
        if (await CheckLinksAsync(next, fields) is { } badLink)
        {
            return badLink;
        }

        var updated = await services.Store.UpdateAsync(next);
        if (updated is null)
        {
            await TearDownAsync();
            return NotFound<ServiceRecord>();
        }

        config = updated;
        pingToken = token;
        if (runtime.TlsExpiresAt is not null && (previous.Type != updated.Type || previous.EndpointUrl != updated.EndpointUrl))
        {
            // The certificate was the old endpoint's.
            runtime = runtime with { TlsExpiresAt = null };
            await RememberCertificateAsync(null);
        }

        if (previous.Enabled && !updated.Enabled)
        {
            alerting.Disable(updated);
        }

        await ApplyScheduleAsync(previous, resuming: false);
        PublishSeries();
        var record = Record();
        services.Feed.Publish(new FeedEvent(FeedEventKind.ServicePatched, Service: record));
        return Outcome<ServiceRecord>.Ok(record);
    }

    /// <summary>A committed result: runtime fields, uptime window, the silo's gauges and live feed see it, in that order.</summary>
    private void OnCommitted(StatusRecord record)
    {
        if (config is null)
        {
            // Removed meanwhile: the removal deletes this row with the rest of the history.
            return;
        }

        if (runtime.LastCheckedAt is not { } last || record.CheckedAt >= last)
        {
            runtime = runtime with { LastStatus = record.Status, LastCheckedAt = record.CheckedAt, LastResponseTimeMs = record.ResponseTimeMs };
        }

        if (record.InMaintenance)
        {
            uptime.NoteMaintenance(true);
        }
        else
        {
            uptime.Add(record.CheckedAt, record.Status, record.ResponseTimeMs);
        }

        if (record.TlsExpiresAt is { } expires && expires != runtime.TlsExpiresAt)
        {
            runtime = runtime with { TlsExpiresAt = expires };
            _ = RememberCertificateAsync(expires);
        }

        RememberInHistory(record);
        PublishSeries();
        alerting.Observe(record, config);
        services.Feed.Publish(new FeedEvent(FeedEventKind.StatusCreated, Status: record));
        services.Feed.Publish(new FeedEvent(FeedEventKind.ServicePatched, Service: Record()));
    }

    /// <summary>
    /// Stops everything and deletes the row and its history: no timer fires, in-flight checks are cancelled
    /// and waited for (their results are committed first, then deleted), and the stored state goes last.
    /// </summary>
    private async Task TearDownAsync()
    {
        var wasConfigured = config is not null;
        config = null;
        StopHosting();
        timer.Disarm();
        deadlineTimer?.Disarm();
        await checks.CancelAsync();

        // An incident write still under way finishes first, so the delete below takes its row too.
        await alerting.WaitAsync(CancellationToken.None);
        if (wasConfigured)
        {
            foreach (var page in await services.Store.DeleteAsync(Id))
            {
                services.Feed.Publish(new FeedEvent(FeedEventKind.PagePatched, Page: page));
            }
        }

        await uptime.ClearAsync();
        DeactivateOnIdle();
    }

    private async Task UndoCreateAsync()
    {
        config = null;
        StopHosting();
        timer.Disarm();
        try
        {
            // Unconditionally: an insert may have committed although its answer was lost.
            await services.Store.DeleteAsync(Id);
            await uptime.ClearAsync();
        }
        catch (Exception ex)
        {
            // A row the insert left behind is an enabled service like any other: the next sweep schedules it.
            LogUndoFailed(logger, Id, ex.Message);
        }

        DeactivateOnIdle();
    }

    private ServiceConfig WithPassword(ServiceConfig draft, PasswordChange change) => change switch
    {
        { IsChange: false } => draft,
        { NewValue: null } => draft with { PasswordCiphertext = null },
        { NewValue: { } secret } => draft with { PasswordCiphertext = services.Protector.Protect(secret.Reveal, Id) },
    };

    /// <summary>The rules that need a lookup: alert channels the client may use, a dependency of the same client without a cycle.</summary>
    private async Task<Failure?> CheckLinksAsync(ServiceConfig next, ServiceFields fields)
    {
        var errors = new Dictionary<string, string>();
        if (fields.AlertChannelIds.IsSet && next.AlertChannelIds.Length > 0
            && await services.Channels.NotUsableByAsync(next.ClientId, next.AlertChannelIds) is { Length: > 0 } unusable)
        {
            errors["alert_channel_ids"] = $"{(unusable.Length == 1 ? "channel" : "channels")} {string.Join(", ", unusable)} {(unusable.Length == 1 ? "is" : "are")} neither a channel of client {next.ClientId} nor a shared one";
        }

        if (fields.DependsOnServiceId.IsSet && next.DependsOnServiceId is { } parent
            && await services.Store.DependencyProblemAsync(next.Id, next.ClientId, parent) is { } problem)
        {
            errors["depends_on_service_id"] = problem;
        }

        return errors.Count == 0 ? null : Failure.ForFields(errors);
    }

    private bool IsVisibleTo(long? scopeClientId) => config is not null && (scopeClientId is null || scopeClientId == config.ClientId);

    private ServiceRecord Record() => config!.ToRecord(runtime, pingToken);

    private string? TryReadPingToken(ServiceConfig stored)
    {
        try
        {
            return ReadPingToken(stored);
        }
        catch (Credentials.CredentialException ex)
        {
            // The service still runs and stores reports; its ping_url shows again after a new token or the old key.
            LogTokenUnreadable(logger, Id, ex.Message);
            return null;
        }
    }

    /// <summary>Keeps the certificate's notAfter beside the row (not in it: it is not config, and updated_at stays the user's).</summary>
    private async Task RememberCertificateAsync(DateTimeOffset? expires)
    {
        try
        {
            await services.Heartbeats.SetTlsExpiresAtAsync(Id, expires);
        }
        catch (Exception ex)
        {
            // The results carry it too; the next certificate change (or activation's next check) writes it again.
            LogCertificateNotKept(logger, Id, ex.Message);
        }
    }

    private Outcome<T> NotFound<T>() => Failure.NotFound($"No record found for id '{Id}'");

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    [LoggerMessage(Level = LogLevel.Warning, Message = "The ping token of service {ServiceId} cannot be decrypted: {Reason}")]
    private static partial void LogTokenUnreadable(ILogger logger, long serviceId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The certificate expiry of service {ServiceId} was not kept: {Reason}")]
    private static partial void LogCertificateNotKept(ILogger logger, long serviceId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Undoing the failed create of service {ServiceId} failed too: {Reason}")]
    private static partial void LogUndoFailed(ILogger logger, long serviceId, string reason);
}
