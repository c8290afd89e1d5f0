using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Monitoring.Grains.Alerting;
using Monitoring.Grains.Credentials;
using Monitoring.Grains.Feed;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Grains.Delivery;

/// <summary>
/// Sends the outbox, on every silo: claims due deliveries with a lease, attempts each through its channel's
/// <see cref="IChannelSender"/>, and stores the outcome (sent, a retry by <see cref="RetrySchedule"/>, or failed).
/// Nothing is held only in memory: a silo that dies mid-attempt leaves a claim that expires, and another silo
/// sends the delivery with the same identity. An outcome that cannot be stored is retried until it is.
/// </summary>
public sealed partial class DeliveryDispatcher(
    DeliveryStore store,
    IEnumerable<IChannelSender> senders,
    CredentialProtector protector,
    DeliverySignal signal,
    FeedPublisher feed,
    TimeProvider time,
    IOptions<DeliveryOptions> options,
    ILocalSiloDetails silo,
    DeliveryMetrics metrics,
    ILogger<DeliveryDispatcher> logger) : BackgroundService
{
    private readonly Dictionary<string, IChannelSender> byType = senders.ToDictionary(s => s.Type, StringComparer.Ordinal);
    private readonly SemaphoreSlim slots = new(options.Value.MaxConcurrentAttempts, options.Value.MaxConcurrentAttempts);
    private readonly CancellationTokenSource stopping = new();
    private bool claimFailing;

    // Set when a claim filled every free slot: more may be due, so freed slots wake the loop at once (a quarter of
    // them at a time, so that claims stay batches).
    private volatile bool moreDue;

    private int RefillAt => Math.Max(1, options.Value.MaxConcurrentAttempts / 4);

    /// <summary>
    /// Names this silo's claims as the membership table names the silo (<c>address:port@generation</c>), then the process
    /// id: another silo takes a claim over only once this silo is dead in that table.
    /// </summary>
    public string Owner { get; } = $"{silo.SiloAddress.Endpoint.Address}:{silo.SiloAddress.Endpoint.Port}@{silo.SiloAddress.Generation}/{Environment.ProcessId}";

    /// <summary>Queues a test of the channel claimed by this silo, attempts it at once and answers it as stored afterwards.</summary>
    public async Task<DeliveryRow> TestAsync(long channelId, long? clientId)
    {
        var queued = await store.InsertTestAsync(channelId, clientId, Owner, options.Value.Lease);
        return await AttemptAsync(queued) ?? await store.LoadAsync(queued.Id) ?? queued;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var link = stoppingToken.Register(stopping.Cancel);
        while (!stoppingToken.IsCancellationRequested)
        {
            var free = slots.CurrentCount;
            var claimed = 0;
            if (free > 0)
            {
                claimed = await ClaimAndStartAsync(free);
            }

            if (free > 0)
            {
                // With every slot busy nothing was claimed, and whether more is due is still what the last claim said.
                moreDue = claimed == free;
            }

            if (claimed == 0 || claimed < free || slots.CurrentCount == 0)
            {
                try
                {
                    await signal.WaitAsync(options.Value.PollInterval, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        // Let attempts in flight finish and store their outcome (bounded by the attempt timeout).
        for (var i = 0; i < options.Value.MaxConcurrentAttempts; i++)
        {
            await slots.WaitAsync(TimeSpan.FromSeconds(20));
        }
    }

    private async Task<int> ClaimAndStartAsync(int free)
    {
        IReadOnlyList<DeliveryRow> claimed;
        try
        {
            claimed = await store.ClaimAsync(Owner, options.Value.Lease, free);
            claimFailing = false;
        }
        catch (Exception ex)
        {
            if (!claimFailing)
            {
                LogClaimFailed(logger, ex.Message);
            }

            claimFailing = true;
            return 0;
        }

        foreach (var delivery in claimed)
        {
            await slots.WaitAsync();
            _ = Task.Run(async () =>
            {
                try
                {
                    await AttemptAsync(delivery);
                }
                finally
                {
                    // Refill in batches: one claim per freed slot would cost a query per delivery.
                    if (slots.Release() + 1 >= RefillAt && moreDue)
                    {
                        signal.Raise();
                    }
                }
            });
        }

        return claimed.Count;
    }

    /// <summary>One attempt of a claimed delivery; answers the stored row, or null when it was no longer ours.</summary>
    private async Task<DeliveryRow?> AttemptAsync(DeliveryRow delivery)
    {
        AttemptResult result;
        var channelType = DeliveryMetrics.UnknownChannelType;
        try
        {
            (result, channelType) = await SendAsync(delivery);
        }
        catch (Exception ex)
        {
            // Whatever a receiver does is answered by the sender; a throw is ours (a bug or PostgreSQL away): retried.
            LogAttemptFailed(logger, delivery.Id, ex);
            result = AttemptResult.NoAnswer($"the attempt could not be made: {ex.GetType().Name}: {ex.Message}");
        }

        var now = time.GetUtcNow();
        var outcome = Outcome(delivery, result, now);
        var finished = await StoreOutcomeAsync(delivery, outcome);
        if (finished is { DisabledChannel: { } channel })
        {
            LogChannelDisabled(logger, channel.Id);
            feed.Publish(new FeedEvent(FeedEventKind.ChannelPatched, Channel: channel.ToRecord()));
        }

        if (finished is { Delivery: { } stored })
        {
            metrics.Attempted(channelType, stored.State);
            LogAttempted(logger, stored.Id, stored.Event, stored.ChannelId, stored.State, stored.Attempts, stored.LastStatusCode, stored.LastError);
        }

        return finished?.Delivery;
    }

    /// <summary>One attempt through the delivery's channel; answers how it ended and the channel's type (for the metrics).</summary>
    private async Task<(AttemptResult Result, string ChannelType)> SendAsync(DeliveryRow delivery)
    {
        var records = await store.LoadRecordsAsync(delivery);
        if (records is null)
        {
            return (new AttemptResult(false, null, "the channel was removed", Final: true), DeliveryMetrics.UnknownChannelType);
        }

        var channel = records.Channel;
        if (!byType.TryGetValue(channel.Type, out var sender))
        {
            return (new AttemptResult(false, null, $"no sender for channel type {channel.Type}", Final: true), channel.Type);
        }

        string? url, secret;
        try
        {
            url = channel.UrlCiphertext is { } sealedUrl ? protector.Unprotect(sealedUrl, ChannelRow.UrlContext(channel.Id), $"channel {channel.Id}") : channel.Url;
            secret = channel.SecretCiphertext is { } sealedSecret ? protector.Unprotect(sealedSecret, ChannelRow.SecretContext(channel.Id), $"channel {channel.Id}") : null;
        }
        catch (CredentialException ex)
        {
            return (AttemptResult.NoAnswer($"the channel's secret cannot be decrypted: {ex.Message}"), channel.Type);
        }

        var notification = new Notification(delivery, channel, url, secret, records.Client, records.Service, records.Incident, records.Status, time.GetUtcNow());
        return (await sender.SendAsync(notification, stopping.Token), channel.Type);
    }

    private static DeliveryOutcome Outcome(DeliveryRow delivery, AttemptResult result, DateTimeOffset now)
    {
        if (result.Accepted)
        {
            return new DeliveryOutcome("sent", result.StatusCode, null, null, now, false);
        }

        var next = result.Final ? null : RetrySchedule.NextAttempt(delivery.Attempts, delivery.CreatedAt, now, result.RetryAfter);
        return next is null
            ? new DeliveryOutcome("failed", result.StatusCode, result.Error, null, null, result.DisableChannel)
            : new DeliveryOutcome("pending", result.StatusCode, result.Error, next, null, false);
    }

    /// <summary>
    /// Stores the outcome, trying again every second or two while PostgreSQL is away (the claim stays this silo's
    /// meanwhile), for at most 10 minutes; then the claim is taken over five minutes after it expired.
    /// </summary>
    private async Task<(DeliveryRow Delivery, ChannelRow? DisabledChannel)?> StoreOutcomeAsync(DeliveryRow delivery, DeliveryOutcome outcome)
    {
        var delay = TimeSpan.FromSeconds(1);
        var giveUpAt = time.GetUtcNow() + TimeSpan.FromMinutes(10);
        while (true)
        {
            try
            {
                return await store.FinishAsync(delivery.Id, Owner, outcome);
            }
            catch (Exception ex) when (time.GetUtcNow() < giveUpAt)
            {
                LogStoreRetried(logger, delivery.Id, outcome.State, ex.Message);
                await Task.Delay(delay, time);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }
            catch (Exception ex)
            {
                LogOutcomeLost(logger, delivery.Id, outcome.State, ex.Message);
                return null;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The outcome ({State}) of delivery {DeliveryId} could not be stored for 10 minutes; its claim will be taken over: {Reason}")]
    private static partial void LogOutcomeLost(ILogger logger, long deliveryId, string state, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery {DeliveryId} ({Event}) to channel {ChannelId}: {State} after {Attempts} attempt(s), status {StatusCode}, error {Error}")]
    private static partial void LogAttempted(ILogger logger, long deliveryId, string @event, long channelId, string state, int attempts, int? statusCode, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Channel {ChannelId} answered 410 Gone: disabled")]
    private static partial void LogChannelDisabled(ILogger logger, long channelId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Due deliveries could not be claimed; trying again: {Reason}")]
    private static partial void LogClaimFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "An attempt of delivery {DeliveryId} failed inside the dispatcher")]
    private static partial void LogAttemptFailed(ILogger logger, long deliveryId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The outcome ({State}) of delivery {DeliveryId} could not be stored; trying again: {Reason}")]
    private static partial void LogStoreRetried(ILogger logger, long deliveryId, string state, string reason);
}
