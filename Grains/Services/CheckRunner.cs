using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Monitoring.Grains.Checking;
using Monitoring.Grains.Credentials;
using Monitoring.Grains.Data;
using Monitoring.Grains.History;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Monitors;

namespace Monitoring.Grains.Services;

/// <summary>
/// Runs a service's checks outside the grain's turn (the grain answers calls while its target hangs) and
/// keeps track of the ones in flight. A check counts as done when its row is committed; only then is the
/// grain told (<see cref="ICheckRunnerOwner.OnCommitted"/>). Created from a grain turn, so its continuations run on the grain.
/// </summary>
/// <remarks><see cref="ICheckRunnerOwner.OnJournaled"/> is told when a scheduled result went to the journal instead (it is stored later, not through OnCommitted).</remarks>
internal sealed partial class CheckRunner(long serviceId, ServiceMonitorDependencies services, ILogger logger, ICheckRunnerOwner owner)
{
    // Made for a check and dropped after it (Finished): most grains spend their life between checks, and memory per
    // service counts.
    private List<(DateTimeOffset StartedAt, Task<StatusRecord?> Task)>? inFlight;
    private CancellationTokenSource? lifetime;

    // Scheduled checks waiting for a check slot or talking to the target (not those only waiting to be stored).
    private int scheduledProbes;

    /// <summary>
    /// Whether a scheduled check of this service is still waiting for a slot or for its target: the next occurrence is
    /// skipped rather than started beside it, so a slow target or a saturated silo never piles checks up. A check that
    /// has its answer and only waits to be stored (PostgreSQL slow or away) does not count.
    /// </summary>
    public bool ScheduledProbeRunning => scheduledProbes > 0;

    /// <summary>When the oldest check still in flight started; null when none is.</summary>
    public DateTimeOffset? OldestStartedAt => inFlight is { Count: > 0 } running ? running.Min(f => f.StartedAt) : null;

    /// <summary>
    /// Starts a check of <paramref name="snapshot"/>. The task gives the stored record, or null when the check
    /// was cancelled (the service was removed) or, for a scheduled check, its result could not be stored now.
    /// A manual check's storage failure is thrown (<see cref="ResultNotStoredException"/>).
    /// </summary>
    public Task<StatusRecord?> Start(ServiceConfig snapshot, string trigger)
    {
        var startedAt = services.Time.GetUtcNow().ToMilliseconds();
        var task = RunAsync(snapshot, trigger, startedAt, (lifetime ??= new CancellationTokenSource()).Token);
        var entry = (startedAt, task);
        var running = inFlight ??= [];
        running.Add(entry);
        _ = task.ContinueWith(_ => Finished(running, entry), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Current);
        return task;
    }

    private void Finished(List<(DateTimeOffset StartedAt, Task<StatusRecord?> Task)> running, (DateTimeOffset, Task<StatusRecord?>) entry)
    {
        running.Remove(entry);
        if (running.Count == 0 && ReferenceEquals(running, inFlight))
        {
            // Nothing of a check stays behind it: the list and the token source (with the registration nodes a
            // cancellation token source keeps for reuse) cost about 350 bytes in each of a million grains. A source
            // being cancelled stays until CancelAsync is done with it, so a check started meanwhile is cancelled too.
            inFlight = null;
            if (lifetime is { IsCancellationRequested: false })
            {
                lifetime = null;
            }
        }
    }

    /// <summary>Waits for the checks in flight (their results are committed first), at most until <paramref name="cancellationToken"/>.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
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
            LogAbandoned(logger, serviceId, pending.Count(t => !t.IsCompleted));
        }
        catch (ResultNotStoredException)
        {
        }
    }

    /// <summary>Cancels every check in flight and waits for them.</summary>
    public async Task CancelAsync()
    {
        if (lifetime is not null)
        {
            await lifetime.CancelAsync();
        }

        await WaitAsync(CancellationToken.None);
        lifetime = null;
    }

    private async Task<StatusRecord?> RunAsync(ServiceConfig snapshot, string trigger, DateTimeOffset startedAt, CancellationToken cancellation)
    {
        // The attempt whose answer is stored: its start is the record's checked_at, its wall time the metric's.
        var checkedAt = startedAt;
        var began = Stopwatch.GetTimestamp();
        var scheduled = trigger == CheckTrigger.Schedule;
        if (scheduled)
        {
            scheduledProbes++;
        }

        CheckResult result;
        try
        {
            using var slot = await services.Limiter.AcquireAsync(cancellation);
            if (scheduled && !services.Admission.StillAdmits())
            {
                // Admitted, then waited for a slot while the writer filled up: its result would be refused.
                services.CheckMetrics.Skipped(snapshot.Type, "saturated");
                return null;
            }

            var attempt = 0;
            (result, var rechecked) = await PauseAwareCheck.RunAsync(
                () =>
                {
                    if (attempt++ > 0)
                    {
                        checkedAt = services.Time.GetUtcNow().ToMilliseconds();
                        began = Stopwatch.GetTimestamp();
                    }

                    return snapshot.IsTcp ? CheckTcpAsync(snapshot, cancellation) : CheckHttpAsync(snapshot, cancellation);
                },
                GC.GetTotalPauseDuration,
                PauseAwareCheck.TimeLimitMs(snapshot.DegradedThresholdMs, snapshot.TimeoutMs),
                mayRecheck: scheduled && (snapshot.IsTcp || PauseAwareCheck.MayRecheck(snapshot.Method)));
            if (rechecked)
            {
                services.CheckMetrics.Rechecked(snapshot.Type);
                LogRechecked(logger, serviceId, result.Status);
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return null;
        }
        catch (CredentialException ex)
        {
            result = new CheckResult(HealthStatus.Down, null, 0, null, $"stored credentials cannot be decrypted: {ex.Message}", null);
        }
        catch (Exception ex)
        {
            // Whatever a target sends, a check that ran is stored: a failure here is ours, and says so.
            LogCheckFailed(logger, serviceId, ex);
            result = new CheckResult(HealthStatus.Down, null, (int)Math.Min(int.MaxValue, (services.Time.GetUtcNow() - checkedAt).TotalMilliseconds), null,
                $"the check could not be completed: {ex.GetType().Name}: {ex.Message}", null);
        }
        finally
        {
            if (scheduled)
            {
                scheduledProbes--;
            }
        }

        // Counted once it ran, whatever becomes of storing it.
        services.CheckMetrics.Record(snapshot.Type, trigger, result.Status, Stopwatch.GetElapsedTime(began));
        StatusRecord record;
        try
        {
            var inMaintenance = services.Maintenance.Covers(snapshot.ClientId, snapshot.Id, checkedAt);
            record = await services.Writer.WriteAsync(new StatusDraft(snapshot.Id, snapshot.ClientId, result, trigger, checkedAt, inMaintenance));
        }
        catch (ResultJournaledException) when (trigger == CheckTrigger.Schedule)
        {
            // Safe on this silo's disk; stored (and counted by SQL) when the journal is replayed.
            owner.OnJournaled();
            return null;
        }
        catch (ResultNotStoredException ex) when (trigger == CheckTrigger.Schedule)
        {
            LogNotStored(logger, serviceId, ex.Message);
            return null;
        }

        owner.OnCommitted(record);
        return record;
    }

    /// <summary>An HTTP check: the rules of api.md, the certificate's expiry, then the conditions (monitors.md).</summary>
    private async Task<CheckResult> CheckHttpAsync(ServiceConfig snapshot, CancellationToken cancellation)
    {
        var observation = await services.Checker.CheckAsync(RequestFor(snapshot), cancellation);
        var now = services.Time.GetUtcNow();
        var result = HealthClassifier.Classify(observation, snapshot.ExpectedStatusCode, snapshot.DegradedThresholdMs, snapshot.TimeoutMs, snapshot.TlsExpiryDays, now)
            with { TlsExpiresAt = observation.CertificateNotAfter?.ToMilliseconds() };
        return ConditionStep.Apply(result, observation, snapshot.Conditions, now);
    }

    /// <summary>A TCP (or TLS) check: connect (and handshake) within the timeout; the certificate's expiry for tls://.</summary>
    private async Task<CheckResult> CheckTcpAsync(ServiceConfig snapshot, CancellationToken cancellation)
    {
        if (!TcpCheckRequest.TryParse(snapshot.EndpointUrl, TimeSpan.FromMilliseconds(snapshot.TimeoutMs), snapshot.TlsVerify, out var request, out var error))
        {
            return new CheckResult(HealthStatus.Down, null, 0, null, $"endpoint_url is not a tcp endpoint: {error}", null);
        }

        var observation = await services.TcpChecker.CheckAsync(request, cancellation);
        return HealthClassifier.ClassifyTcp(observation, snapshot.DegradedThresholdMs, snapshot.TimeoutMs, snapshot.TlsExpiryDays, services.Time.GetUtcNow())
            with { TlsExpiresAt = observation.CertificateNotAfter?.ToMilliseconds() };
    }

    private HealthCheckRequest RequestFor(ServiceConfig snapshot) => new(
        new Uri(snapshot.EndpointUrl!),
        snapshot.Method switch { "HEAD" => HttpMethod.Head, "POST" => HttpMethod.Post, _ => HttpMethod.Get },
        TimeSpan.FromMilliseconds(snapshot.TimeoutMs),
        snapshot.BasicAuthUsername,
        snapshot.PasswordCiphertext is { } cipher ? services.Protector.Unprotect(cipher, snapshot.Id) : null)
    {
        Body = snapshot.Method == "POST" ? snapshot.RequestBody : null,
        Headers = snapshot.RequestHeaders?.Items,
        FollowRedirects = snapshot.FollowRedirects,
        TlsVerify = snapshot.TlsVerify,
        CaptureHeaders = snapshot.Conditions.Length > 0,
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "A scheduled check of service {ServiceId} ran but was not stored: {Reason}")]
    private static partial void LogNotStored(ILogger logger, long serviceId, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Service {ServiceId} checked again: the silo's own pauses explain its first answer's time; kept {Status}")]
    private static partial void LogRechecked(ILogger logger, long serviceId, HealthStatus status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Service {ServiceId} deactivated with {Count} checks still in flight")]
    private static partial void LogAbandoned(ILogger logger, long serviceId, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "A check of service {ServiceId} failed inside the monitor; stored as down")]
    private static partial void LogCheckFailed(ILogger logger, long serviceId, Exception exception);
}
