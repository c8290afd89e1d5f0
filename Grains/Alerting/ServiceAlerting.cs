using Microsoft.Extensions.Logging;
using Monitoring.Grains.Data;
using Monitoring.Grains.Feed;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Services;

namespace Monitoring.Grains.Alerting;

/// <summary>
/// A service's incidents, kept by its grain: each committed result goes through <see cref="IncidentTracker"/> in
/// <c>checked_at</c> order and every change is written (with its deliveries) before the next result is taken.
/// The tracker is rebuilt lazily, with the first result after an activation, from the open incident row and the
/// results stored after the last one it counted (read with the service's row at activation when this silo replayed no
/// journal since and the first result comes within 30 s of it, or within 11 minutes of a sweep's read made while this
/// silo was alone in a fleet unchanged since; read then otherwise); so a failover, a restart or a result
/// whose decision was never written is decided from what PostgreSQL holds when the tracker is rebuilt, and a result
/// counted once is never counted again. Results stored by others after that (a journal replayed later, a check a
/// deactivation abandoned) are older than what the tracker counted by then and are not counted.
/// Created in a grain turn: its work runs on the grain, one step at a time.
/// </summary>
internal sealed partial class ServiceAlerting(long serviceId, IncidentStore store, FeedPublisher feed, TimeProvider time, ILogger logger, Action<bool>? rebuilt = null)
{
    private const int MaxStepAttempts = 8;

    /// <summary>
    /// How long the history read at activation stands in for a read at the first result. Results stored meanwhile by
    /// anything but this grain (a check abandoned by a deactivation, committed later; another silo's journal replay; a
    /// heartbeat deadline decided by a duplicate activation) are not in it, as the lazy read misses those stored after
    /// the first result: the bound keeps that window of the same order (the catch-up check of a swept grain runs at once).
    /// A sweep's read made while this silo was alone in the fleet has none of these others while the fleet stays as it
    /// was read (no silo joined, no deactivation here abandoned work; <see cref="Fleet.ActivationPrefetch.AloneSince"/>)
    /// and stands in for up to <see cref="PreloadAloneFor"/> instead: at a million services 491,688 of a start-up's
    /// first results came later than 30 s and read the history again (issue 16).
    /// </summary>
    private static readonly TimeSpan PreloadFreshFor = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a sweep's read made while this silo was alone stands in (see <see cref="PreloadFreshFor"/>): the first
    /// result of a service on the default five-minute cron comes within it (its next occurrence, up to 5 minutes away,
    /// its spread offset, up to 5 more, and the read up to 10 s ahead of the activation). Longer crons read again. It
    /// also bounds what the membership cannot show (a silo replaying its journal before it joins, one declared dead
    /// that still runs).
    /// </summary>
    private static readonly TimeSpan PreloadAloneFor = TimeSpan.FromMinutes(11);

    private IncidentTrackerState? state;
    private IncidentRow? open;
    private Task tail = Task.CompletedTask;
    private Preloaded? preloaded;

    /// <summary>Counts a committed result of the service as <paramref name="config"/> describes it.</summary>
    public void Observe(StatusRecord record, ServiceConfig config)
    {
        var check = new TrackedCheck(record.CheckedAt, record.Status, record.Error, record.InMaintenance);

        // Most results change nothing: with nothing queued before them they are counted here, without a queued step.
        if (tail.IsCompleted && state is { } current)
        {
            var step = IncidentTracker.Apply(current, RulesOf(config), check);
            if (step.Change == IncidentChange.None && !ReminderDue(check, config))
            {
                state = step.State;
                return;
            }
        }

        Enqueue(() => CountAsync(check, config));
    }

    /// <summary>
    /// Keeps the history the activation read with the service's row (or a sweep for it) at <paramref name="readAt"/>, to
    /// rebuild the tracker from at the first result instead of reading it again, as long as <paramref name="stillCurrent"/>
    /// says this silo's writer replayed no journal since, the failure threshold is still <paramref name="failureThreshold"/>,
    /// and either the first result comes within <see cref="PreloadFreshFor"/> of the read or, within
    /// <see cref="PreloadAloneFor"/>, <paramref name="aloneSinceRead"/> says the fleet is as it was at the read (a sweep's
    /// read made while this silo was alone: then only this grain writes the service's results, however late its first
    /// check comes in a spread window of minutes).
    /// </summary>
    public void Preload(IncidentHistory history, int failureThreshold, Func<bool> stillCurrent, DateTimeOffset readAt, Func<bool>? aloneSinceRead = null) =>
        preloaded = new Preloaded(history, failureThreshold, stillCurrent, readAt, aloneSinceRead);

    /// <summary>The service was disabled: an open incident resolves with <c>disabled</c>.</summary>
    public void Disable(ServiceConfig config) => Enqueue(async () =>
    {
        await EnsureRebuiltAsync(config);
        var step = IncidentTracker.Disable(state!.Value, time.GetUtcNow().ToMilliseconds());
        await ApplyAsync(step, config);
    });

    /// <summary>
    /// A result was journaled instead of committed (PostgreSQL away): the tracker is rebuilt from the stored results
    /// with the next committed one, which by then may include the replayed journal.
    /// </summary>
    public void Forget() => Enqueue(() =>
    {
        state = null;
        open = null;
        preloaded = null;
        return Task.CompletedTask;
    });

    /// <summary>Sets or clears the acknowledgement of one of the service's incidents, after the changes queued before it.</summary>
    public async Task<IncidentRow?> AcknowledgeAsync(long incidentId, bool acknowledged)
    {
        var previous = tail;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        tail = done.Task;
        try
        {
            await previous;
            var row = await store.AcknowledgeAsync(serviceId, incidentId, acknowledged);
            if (row is not null)
            {
                // A history read before this holds the incident as it was: the rebuild reads it again.
                preloaded = null;
                if (open?.Id == row.Id)
                {
                    open = row;
                }

                Publish(FeedEventKind.IncidentPatched, row);
            }

            return row;
        }
        finally
        {
            done.TrySetResult();
        }
    }

    /// <summary>Waits for the queued steps (a deactivation lets them finish), at most until <paramref name="cancellationToken"/>.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        try
        {
            await tail.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Enqueue(Func<Task> step)
    {
        var previous = tail;
        tail = RunAfterAsync(previous, step);
    }

    private async Task RunAfterAsync(Task previous, Func<Task> step)
    {
        await previous;
        try
        {
            await step();
        }
        catch (Exception ex)
        {
            // Given up after retries: forget the tracker, so the next result rebuilds it from what is stored.
            state = null;
            open = null;
            LogStepFailed(logger, serviceId, ex.Message);
        }
    }

    private async Task CountAsync(TrackedCheck check, ServiceConfig config)
    {
        await EnsureRebuiltAsync(config);
        await ApplyAsync(IncidentTracker.Apply(state!.Value, RulesOf(config), check), config);
        await RemindIfDueAsync(check, config);
    }

    private async Task EnsureRebuiltAsync(ServiceConfig config)
    {
        if (state is not null)
        {
            return;
        }

        var read = preloaded;
        preloaded = null;
        var age = time.GetUtcNow() - (read?.ReadAt ?? default);
        var preloadServes = read is not null && read.FailureThreshold == config.FailureThreshold && read.StillCurrent()
            && (age <= PreloadFreshFor || (age <= PreloadAloneFor && read.AloneSinceRead?.Invoke() == true));
        var history = preloadServes
            ? read!.History
            : await WithRetriesAsync("reading the incident history", () => store.LoadHistoryAsync(serviceId));
        rebuilt?.Invoke(preloadServes);
        open = history.Open;
        state = IncidentTrackerState.Empty with
        {
            Open = history.Open?.ToOpen(),
            LastCheckedAt = history.CountedUntil,
        };

        var rules = RulesOf(config);
        foreach (var check in history.Uncounted)
        {
            await ApplyAsync(IncidentTracker.Apply(state.Value, rules, check), config);
        }
    }

    private async Task ApplyAsync(IncidentStep step, ServiceConfig config)
    {
        var countedUntil = step.State.LastCheckedAt ?? time.GetUtcNow();
        switch (step.Change)
        {
            case IncidentChange.Opened:
                var (row, created) = await WithRetriesAsync("opening an incident", () => store.OpenAsync(Target(config), step.Incident!, countedUntil));
                open = row;
                state = step.State with { Open = row.ToOpen() };
                if (created)
                {
                    LogOpened(logger, row.Id, row.ServiceId, row.ClientId, row.Severity);
                    Publish(FeedEventKind.IncidentCreated, row);
                }

                return;
            case IncidentChange.Updated when open is { } current:
                var updated = await WithRetriesAsync("updating the open incident", () => store.UpdateAsync(current.Id, step.Incident!, countedUntil));
                Adopt(step, updated);
                return;
            case IncidentChange.Resolved when open is { } resolving:
                var resolved = await WithRetriesAsync("resolving the open incident", () => store.ResolveAsync(Target(config), resolving.Id, step.ResolvedAt!.Value, step.ResolvedReason!, countedUntil));
                open = null;
                state = step.State;
                if (resolved is not null)
                {
                    LogResolved(logger, resolved.Id, resolved.ServiceId, resolved.ClientId, step.ResolvedReason!);
                    Publish(FeedEventKind.IncidentPatched, resolved);
                }

                return;
            default:
                state = step.State;
                return;
        }
    }

    /// <summary>An update answered: the incident still open (keep counting) or gone (another writer closed it: rebuild next time).</summary>
    private void Adopt(IncidentStep step, IncidentRow? updated)
    {
        if (updated is null)
        {
            state = null;
            open = null;
            return;
        }

        open = updated;
        state = step.State;
        Publish(FeedEventKind.IncidentPatched, updated);
    }

    private async Task RemindIfDueAsync(TrackedCheck check, ServiceConfig config)
    {
        if (ReminderDue(check, config))
        {
            var current = open!;
            open = await WithRetriesAsync("queueing a reminder", () => store.RemindAsync(Target(config), current.Id)) ?? current;
        }
    }

    /// <summary>An open, notifying, unacknowledged incident whose last notice is <c>renotify_minutes</c> old, outside maintenance.</summary>
    private bool ReminderDue(TrackedCheck check, ServiceConfig config) =>
        open is { Suppressed: false, AcknowledgedAt: null, LastNotifiedAt: { } notified } && !check.InMaintenance
        && config.RenotifyMinutes is { } minutes && time.GetUtcNow() >= notified.AddMinutes(minutes);

    private async Task<T> WithRetriesAsync<T>(string step, Func<Task<T>> run)
    {
        var delay = TimeSpan.FromSeconds(1);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await run();
            }
            catch (Exception ex) when (attempt < MaxStepAttempts)
            {
                LogStepRetried(logger, step, serviceId, attempt, ex.Message);
                await Task.Delay(delay, time);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }

    private void Publish(FeedEventKind kind, IncidentRow row) => feed.Publish(new FeedEvent(kind, Incident: row.ToRecord()));

    private static AlertingTarget Target(ServiceConfig config) => new(config.Id, config.ClientId, config.AlertChannelIds, config.DependsOnServiceId);

    private static IncidentRules RulesOf(ServiceConfig config) =>
        new(config.FailureThreshold, config.SuccessThreshold, config.AlertOn == "degraded" ? AlertOn.Degraded : AlertOn.Down);

    [LoggerMessage(Level = LogLevel.Information, Message = "Incident {IncidentId} opened for service {ServiceId} of client {ClientId} ({Severity})")]
    private static partial void LogOpened(ILogger logger, long incidentId, long serviceId, long clientId, string severity);

    [LoggerMessage(Level = LogLevel.Information, Message = "Incident {IncidentId} of service {ServiceId} of client {ClientId} resolved ({Reason})")]
    private static partial void LogResolved(ILogger logger, long incidentId, long serviceId, long clientId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alerting of service {ServiceId} failed {Step} (attempt {Attempt}), trying again: {Reason}")]
    private static partial void LogStepRetried(ILogger logger, string step, long serviceId, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Incidents of service {ServiceId} could not be read or written; they are rebuilt from stored results with the next one: {Reason}")]
    private static partial void LogStepFailed(ILogger logger, long serviceId, string reason);

    private sealed record Preloaded(IncidentHistory History, int FailureThreshold, Func<bool> StillCurrent, DateTimeOffset ReadAt, Func<bool>? AloneSinceRead);
}
