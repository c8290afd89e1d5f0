using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Monitoring.Grains.Interfaces;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Grains.Feed;

/// <summary>
/// The silo's side of the live feed: grains hand their events over without waiting; one loop sends
/// whatever has gathered, in order, as one batch to every gateway (one-way calls, so a slow gateway
/// holds nobody). Events that find the buffer full are dropped oldest-first and counted.
/// </summary>
public sealed partial class FeedPublisher : BackgroundService
{
    private const int Capacity = 100_000;
    private const int MaxBatch = 512;
    private static readonly TimeSpan ListRefresh = TimeSpan.FromSeconds(2);

    private readonly IGrainFactory grains;
    private readonly ILogger<FeedPublisher> logger;
    private readonly Channel<FeedEvent> events;
    private long dropped;
    private long droppedReported;
    private IReadOnlyList<IFeedObserver> gateways = [];
    private DateTimeOffset listedAt = DateTimeOffset.MinValue;
    private bool listFailing;

    public FeedPublisher(IGrainFactory grains, ILogger<FeedPublisher> logger)
    {
        this.grains = grains;
        this.logger = logger;
        events = Channel.CreateBounded<FeedEvent>(
            new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest },
            _ => Interlocked.Increment(ref dropped));
    }

    /// <summary>Events dropped because the gateways could not keep up.</summary>
    public long Dropped => Interlocked.Read(ref dropped);

    public void Publish(FeedEvent feedEvent) => events.Writer.TryWrite(feedEvent);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<FeedEvent>(MaxBatch);
        try
        {
            while (await events.Reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < MaxBatch && events.Reader.TryRead(out var feedEvent))
                {
                    batch.Add(feedEvent);
                }

                await SendAsync(new FeedBatch(batch.ToArray()));
                batch.Clear();
                if (Dropped is var total && total != droppedReported)
                {
                    LogDropped(logger, total - droppedReported, total);
                    droppedReported = total;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SendAsync(FeedBatch batch)
    {
        if (DateTimeOffset.UtcNow - listedAt > ListRefresh)
        {
            try
            {
                gateways = await grains.GetGrain<IFeedSubscribersGrain>(0).ListAsync();
                listedAt = DateTimeOffset.UtcNow;
                listFailing = false;
            }
            catch (Exception ex) when (ex is OrleansException or TimeoutException)
            {
                // Try again at the next refresh, not with every batch (hundreds a second while a silo is lost),
                // and say so once per failure streak.
                listedAt = DateTimeOffset.UtcNow;
                if (!listFailing)
                {
                    LogListFailed(logger, ex.Message);
                }

                listFailing = true;
            }
        }

        foreach (var gateway in gateways)
        {
            try
            {
                // One-way: returns once the message is queued for the gateway.
                await gateway.ReceiveAsync(batch);
            }
            catch (Exception ex) when (ex is OrleansException or TimeoutException)
            {
                listedAt = DateTimeOffset.MinValue;
                LogSendFailed(logger, ex.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped {Count} feed events because the gateways could not keep up ({Total} so far)")]
    private static partial void LogDropped(ILogger logger, long count, long total);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the list of feed gateways (retrying every 2 s, quietly until it works): {Reason}")]
    private static partial void LogListFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A gateway did not take a feed batch: {Reason}")]
    private static partial void LogSendFailed(ILogger logger, string reason);
}
