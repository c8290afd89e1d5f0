using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Monitoring.Grains.Interfaces;
using Orleans.Runtime.Placement;

namespace Monitoring.Grains.Fleet;

/// <summary>
/// Wakes again, at once, the service grains Orleans deactivated because another silo left: when a silo stops or dies,
/// every other silo deactivates its own activations whose directory entries the leaving silo held
/// (<c>DeactivationReasonCode.DirectoryFailure</c>; Orleans' <c>LocalGrainDirectory</c>, for ShuttingDown as well as
/// Dead). Nothing calls such a grain until the <see cref="ScheduleKeeper"/>'s sweep after the death reaches it, a second
/// or more later: measured (faults, 500 services × 1 s), 114 of 22,500 occurrences missed when a silo stopped gracefully,
/// all of them services that had stayed on the survivor or had just been handed to it. The grain reports its
/// deactivation here with its last started occurrence; the wake places the new activation on this silo (placement hint),
/// which takes it (so it neither repeats nor skips an occurrence whatever service_status holds yet). Wakes run 64 at a
/// time; one that fails is left to the keeper's sweeps. One per silo.
/// </summary>
public sealed partial class DirectoryRewake(IGrainFactory grains, ILocalSiloDetails self, ILogger<DirectoryRewake> logger) : BackgroundService
{
    private const int ConcurrentWakes = 64;

    // Drops that stop coming for this long are logged as one line.
    private static readonly TimeSpan QuietAfter = TimeSpan.FromSeconds(1);

    private readonly Channel<long> dropped = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<long, DateTimeOffset> carried = new();
    private long wokenTotal;

    /// <summary>
    /// Called by a service grain that Orleans deactivated for its directory entry: wake it again, and give
    /// <paramref name="lastStarted"/> (the occurrence of its last scheduled check started) to its next activation here.
    /// </summary>
    public void Dropped(long serviceId, DateTimeOffset lastStarted)
    {
        carried[serviceId] = lastStarted;
        dropped.Writer.TryWrite(serviceId);
    }

    /// <summary>
    /// The last started occurrence a deactivation of <paramref name="serviceId"/> on this silo left, while its wake is
    /// pending (an activation that fails and is retried reads it again); the wake's end, whatever its outcome, drops it.
    /// </summary>
    public DateTimeOffset? Carried(long serviceId) => carried.TryGetValue(serviceId, out var lastStarted) ? lastStarted : null;

    /// <summary>Grains woken again so far (each wake that returned).</summary>
    public long Woken => Interlocked.Read(ref wokenTotal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<long>();
        int woken = 0, count = 0;
        try
        {
            while (await dropped.Reader.WaitToReadAsync(stoppingToken))
            {
                while (dropped.Reader.TryRead(out var id))
                {
                    batch.Add(id);
                }

                var failed = 0;
                await Parallel.ForEachAsync(batch.Distinct(), new ParallelOptions { MaxDegreeOfParallelism = ConcurrentWakes, CancellationToken = stoppingToken }, async (id, cancellation) =>
                {
                    try
                    {
                        // It was on this silo: the new activation stays here (and takes its carried position).
                        RequestContext.Set(IPlacementDirector.PlacementHintKey, self.SiloAddress);
                        await grains.GetGrain<IServiceMonitorGrain>(id).WakeAsync();
                        Interlocked.Increment(ref wokenTotal);
                    }
                    catch (Exception)
                    {
                        // Left to the keeper's sweeps (or, while the silo stops, to nobody: it is leaving).
                        Interlocked.Increment(ref failed);
                    }
                    finally
                    {
                        RequestContext.Remove(IPlacementDirector.PlacementHintKey);
                        carried.TryRemove(id, out _);
                    }
                });

                woken += batch.Count - failed;
                count += batch.Count;
                batch.Clear();

                // Orleans deactivates them over a second or so: one line once they stop coming.
                if (!await MoreWithinAsync(QuietAfter, stoppingToken))
                {
                    LogWoken(logger, woken, count);
                    woken = count = 0;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task<bool> MoreWithinAsync(TimeSpan wait, CancellationToken stoppingToken)
    {
        using var quiet = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        quiet.CancelAfter(wait);
        try
        {
            return await dropped.Reader.WaitToReadAsync(quiet.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Woke {Woken} of {Count} services that Orleans deactivated with the directory entries of a silo that left")]
    private static partial void LogWoken(ILogger logger, int woken, int count);
}
