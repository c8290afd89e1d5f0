using Microsoft.Extensions.Logging;
using Monitoring.Grains.Checking;
using Monitoring.Grains.Credentials;
using Monitoring.Grains.Data;
using Monitoring.Grains.History;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Grains.Services;

/// <summary>
/// Checking: a check runs outside the grain's turn (the grain answers calls while its target hangs), and
/// counts as done when its row is committed; only then do the runtime fields, the uptime window and the
/// live feed see it.
/// </summary>
public sealed partial class ServiceMonitorGrain
{
    // Created with the first check: most grains spend their life between checks, and memory per service counts.
    private List<(DateTimeOffset StartedAt, Task<StatusRecord?> Task)>? inFlight;

    public async Task<Outcome<StatusRecord>> CheckNowAsync(long? scopeClientId)
    {
        if (!IsVisibleTo(scopeClientId))
        {
            return NotFound<StatusRecord>();
        }

        try
        {
            return await StartCheck(CheckTrigger.Manual) is { } record ? Outcome<StatusRecord>.Ok(record) : NotFound<StatusRecord>();
        }
        catch (ResultNotStoredException ex)
        {
            return Failure.Unavailable($"The check ran but its result could not be stored: {ex.Message}");
        }
    }

    private Task<StatusRecord?> StartCheck(string trigger)
    {
        var startedAt = time.GetUtcNow().ToMilliseconds();
        var task = RunCheckAsync(config!, trigger, startedAt, (lifetime ??= new CancellationTokenSource()).Token);
        var entry = (startedAt, task);
        var running = inFlight ??= [];
        running.Add(entry);
        _ = task.ContinueWith(_ => running.Remove(entry), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Current);
        return task;
    }

    private async Task<StatusRecord?> RunCheckAsync(ServiceConfig snapshot, string trigger, DateTimeOffset startedAt, CancellationToken cancellation)
    {
        CheckResult result;
        try
        {
            var observation = await checker.CheckAsync(RequestFor(snapshot), cancellation);
            result = HealthClassifier.Classify(observation, snapshot.ExpectedStatusCode, snapshot.DegradedThresholdMs, snapshot.TimeoutMs);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return null;
        }
        catch (CredentialException ex)
        {
            result = new CheckResult(HealthStatusNames.Down, null, 0, null, $"stored credentials cannot be decrypted: {ex.Message}", null);
        }
        catch (Exception ex)
        {
            // Whatever a target sends, a check that ran is stored: a failure here is ours, and says so.
            LogCheckFailed(logger, Id, ex);
            result = new CheckResult(HealthStatusNames.Down, null, (int)Math.Min(int.MaxValue, (time.GetUtcNow() - startedAt).TotalMilliseconds), null,
                $"the check could not be completed: {ex.GetType().Name}: {ex.Message}", null);
        }

        StatusRecord record;
        try
        {
            record = await writer.WriteAsync(new StatusDraft(snapshot.Id, snapshot.ClientId, result, trigger, startedAt));
        }
        catch (ResultJournaledException) when (trigger == CheckTrigger.Schedule)
        {
            // Safe on this silo's disk; stored (and counted by SQL) when the journal is replayed.
            return null;
        }
        catch (ResultNotStoredException ex) when (trigger == CheckTrigger.Schedule)
        {
            LogNotStored(logger, Id, ex.Message);
            return null;
        }

        OnCommitted(record);
        return record;
    }

    private HealthCheckRequest RequestFor(ServiceConfig snapshot) => new(
        new Uri(snapshot.EndpointUrl),
        snapshot.Method == "HEAD" ? HttpMethod.Head : HttpMethod.Get,
        TimeSpan.FromMilliseconds(snapshot.TimeoutMs),
        snapshot.BasicAuthUsername,
        snapshot.PasswordCiphertext is { } cipher ? protector.Unprotect(cipher, snapshot.Id) : null);

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

        var status = HealthStatusNames.FromWire(record.Status);
        window?.Add(record.CheckedAt, status, record.ResponseTimeMs);
        recent.Add(record.CheckedAt, status, record.ResponseTimeMs, time.GetUtcNow());
        windowChanges++;
        feed.Publish(new FeedEvent(FeedEventKind.StatusCreated, Status: record));
        feed.Publish(new FeedEvent(FeedEventKind.ServicePatched, Service: Record()));
    }

    private async Task WaitForChecksAsync(CancellationToken cancellationToken)
    {
        var pending = inFlight?.Select(f => f.Task).ToArray() ?? [];
        if (pending.Length == 0)
        {
            return;
        }

        try
        {
            await Task.WhenAll(pending).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            LogAbandoned(logger, Id, pending.Count(t => !t.IsCompleted));
        }
        catch (ResultNotStoredException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A scheduled check of service {ServiceId} ran but was not stored: {Reason}")]
    private static partial void LogNotStored(ILogger logger, long serviceId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Service {ServiceId} deactivated with {Count} checks still in flight")]
    private static partial void LogAbandoned(ILogger logger, long serviceId, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "A check of service {ServiceId} failed inside the monitor; stored as down")]
    private static partial void LogCheckFailed(ILogger logger, long serviceId, Exception exception);
}
