using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Monitoring.Grains.Checking;
using Monitoring.Grains.Credentials;
using Monitoring.Grains.Data;
using Monitoring.Grains.Feed;
using Monitoring.Grains.History;
using Monitoring.Grains.Interfaces;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Scheduling;
using Monitoring.Grains.Uptime;
using Orleans.Placement;

namespace Monitoring.Grains.Services;

/// <summary>
/// One monitored endpoint. Its client_services row is the record of its config (finds and operators read
/// it, and one store cannot disagree with itself); this grain is that row's only writer and keeps it and its
/// own state in step: a reminder is registered before a row that needs it is written and removed only after
/// the row is gone, so a crash in between leaves a reminder whose next tick finds no row and cleans up.
/// Scheduling, checking and the uptime window live in the other parts of this class.
/// </summary>
/// <remarks>
/// The grain type is named explicitly: reminders and stored state are keyed by it. Placement by activation
/// count spreads a client's services over the fleet (they are all created from that client's grain, which
/// a placement that prefers the caller's silo would pile onto one silo).
/// </remarks>
[GrainType("servicemonitor")]
[ActivationCountBasedPlacement]
public sealed partial class ServiceMonitorGrain(
    ServiceStore store,
    UptimeHistoryStore history,
    UptimeCalculator calculator,
    CredentialProtector protector,
    HttpHealthChecker checker,
    DeniedNetworks deniedNetworks,
    StatusWriter writer,
    FeedPublisher feed,
    TimeProvider time,
    IOptions<ScheduleOptions> scheduleOptions,
    IOptions<HistoryOptions> historyOptions,
    [PersistentState("monitor", StorageNames.Uptime)] IPersistentState<ServiceMonitorState> state,
    ILogger<ServiceMonitorGrain> logger) : Grain, IServiceMonitorGrain, IRemindable
{
    private ServiceConfig? config;
    private ServiceRuntime runtime = ServiceRuntime.Empty;
    private CancellationTokenSource? lifetime;

    private long Id => this.GetPrimaryKeyLong();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var stored = await store.LoadAsync(Id);
        if (stored is null)
        {
            // Never created, or removed: whatever a crash left behind goes now.
            await RemoveLeftoversAsync();
            return;
        }

        config = stored.Config;
        runtime = stored.Runtime;
        lastStartedOccurrence = Max(stored.LastScheduledCheckAt ?? DateTimeOffset.MinValue, config.CreatedAt);
        await LoadWindowAsync();
        await ApplyScheduleAsync(previous: null, catchUp: true);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        DisarmTimer();
        await WaitForChecksAsync(cancellationToken);
        if (config is not null)
        {
            await SnapshotWindowAsync();
        }
    }

    public async Task<Outcome<ServiceRecord>> CreateAsync(long clientId, ServiceFields fields)
    {
        if (config is not null)
        {
            return Failure.Conflict($"Service {Id} already exists");
        }

        var blank = new ServiceConfig { Id = Id, ClientId = clientId, Name = string.Empty, EndpointUrl = string.Empty };
        if (!ServiceValidator.TryApply(blank, fields, creating: true, out var draft, out var invalid, deniedNetworks))
        {
            return invalid!;
        }

        draft = WithPassword(draft, PasswordChange.From(fields.BasicAuthPassword));

        // All or nothing: whatever fails after the first write undoes every write before the error travels on.
        try
        {
            if (draft.Enabled)
            {
                await RegisterWakeUpAsync();
            }

            var inserted = await store.InsertAsync(draft);
            if (inserted.Failure is { } failure)
            {
                await RemoveLeftoversAsync();
                return failure;
            }

            config = inserted.Value!;
            lastStartedOccurrence = time.GetUtcNow();
            window = new UptimeWindow();
            await ApplyScheduleAsync(previous: null, catchUp: false);
        }
        catch (Exception)
        {
            await UndoCreateAsync();
            throw;
        }

        var record = Record();
        feed.Publish(new FeedEvent(FeedEventKind.ServiceCreated, Service: record));
        return Outcome<ServiceRecord>.Ok(record);
    }

    public Task<Outcome<ServiceRecord>> GetAsync(long? scopeClientId) =>
        Task.FromResult(IsVisibleTo(scopeClientId) ? Outcome<ServiceRecord>.Ok(Record()) : NotFound<ServiceRecord>());

    public Task<Outcome<ServiceRecord>> PatchAsync(ServiceFields fields, long? scopeClientId) => ChangeAsync(fields, scopeClientId, replace: false);

    public Task<Outcome<ServiceRecord>> ReplaceAsync(ServiceFields fields, long? scopeClientId) => ChangeAsync(fields, scopeClientId, replace: true);

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
            ? new ServiceConfig { Id = Id, ClientId = previous.ClientId, Name = string.Empty, EndpointUrl = string.Empty, CreatedAt = previous.CreatedAt }
            : previous;
        if (!ServiceValidator.TryApply(start, fields, creating: replace, out var next, out var invalid, deniedNetworks))
        {
            return invalid!;
        }

        next = WithPassword(next, PasswordChange.From(fields.BasicAuthPassword));
        var enabling = next.Enabled && !previous.Enabled;
        if (enabling)
        {
            await RegisterWakeUpAsync();
        }

        ServiceConfig? updated;
        try
        {
            updated = await store.UpdateAsync(next);
        }
        catch (Exception) when (enabling)
        {
            // All or nothing: the row did not change, so neither does the wake-up.
            await UnregisterWakeUpAsync();
            throw;
        }

        if (updated is null)
        {
            await TearDownAsync();
            return NotFound<ServiceRecord>();
        }

        config = updated;
        await ApplyScheduleAsync(previous, catchUp: false);
        var record = Record();
        feed.Publish(new FeedEvent(FeedEventKind.ServicePatched, Service: record));
        return Outcome<ServiceRecord>.Ok(record);
    }

    public async Task<Outcome<ServiceRecord>> RemoveAsync(long? scopeClientId)
    {
        if (!IsVisibleTo(scopeClientId))
        {
            return NotFound<ServiceRecord>();
        }

        var removed = Record() with { NextCheckAt = null };
        await TearDownAsync();
        feed.Publish(new FeedEvent(FeedEventKind.ServiceRemoved, Service: removed));
        return Outcome<ServiceRecord>.Ok(removed);
    }

    public async Task<bool> ReencryptCredentialsAsync()
    {
        if (config?.PasswordCiphertext is not { } stored || protector.IsCurrent(stored))
        {
            return false;
        }

        var rotated = config with { PasswordCiphertext = protector.Protect(protector.Unprotect(stored, Id), Id) };
        config = await store.UpdateAsync(rotated) ?? config;
        return true;
    }

    /// <summary>
    /// Stops everything and deletes the row and its history: no timer fires, in-flight checks are cancelled
    /// and waited for (their results are committed first, then deleted), and the reminder goes last.
    /// </summary>
    private async Task TearDownAsync()
    {
        var wasConfigured = config is not null;
        config = null;
        DisarmTimer();
        if (lifetime is not null)
        {
            await lifetime.CancelAsync();
        }

        await WaitForChecksAsync(CancellationToken.None);
        if (wasConfigured)
        {
            await store.DeleteAsync(Id);
        }

        await RemoveLeftoversAsync();
        lifetime = null;
        DeactivateOnIdle();
    }

    private async Task UndoCreateAsync()
    {
        config = null;
        DisarmTimer();
        try
        {
            // Unconditionally: an insert may have committed although its answer was lost.
            await store.DeleteAsync(Id);
            await RemoveLeftoversAsync();
        }
        catch (Exception ex)
        {
            // The wake-up reminder finds no row on its next tick and removes itself.
            LogUndoFailed(logger, Id, ex.Message);
        }

        DeactivateOnIdle();
    }

    private async Task RemoveLeftoversAsync()
    {
        await UnregisterWakeUpAsync();
        if (state.RecordExists)
        {
            await state.ClearStateAsync();
        }
    }

    private ServiceConfig WithPassword(ServiceConfig draft, PasswordChange change) => change switch
    {
        { IsChange: false } => draft,
        { NewValue: null } => draft with { PasswordCiphertext = null },
        { NewValue: { } secret } => draft with { PasswordCiphertext = protector.Protect(secret.Reveal, Id) },
    };

    private bool IsVisibleTo(long? scopeClientId) => config is not null && (scopeClientId is null || scopeClientId == config.ClientId);

    private ServiceRecord Record() => config!.ToRecord(runtime);

    private Outcome<T> NotFound<T>() => Failure.NotFound($"No record found for id '{Id}'");

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Undoing the failed create of service {ServiceId} failed too: {Reason}")]
    private static partial void LogUndoFailed(ILogger logger, long serviceId, string reason);
}
