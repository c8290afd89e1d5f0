using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Monitoring.Grains.Scheduling;
using Monitoring.Grains.Interfaces;
using Npgsql;

namespace Monitoring.Grains.Fleet;

/// <summary>
/// Keeps every enabled service scheduled: each silo sweeps its share (<see cref="WakeShare"/>) of the enabled services
/// once when it starts, again whenever a silo is declared dead (the dead silo's services, and the survivors' own grains
/// that went with the directory partition the dead silo held), and every <see cref="ScheduleOptions.WakeUpPeriod"/> (a
/// grain lost any other way; this sweep leaves out the grains active on the silo). A woken grain activates and runs one
/// catch-up check. A sweep is one query for the enabled ids and a bounded number of concurrent wake calls, retried for
/// the calls that failed; a grain already scheduled answers at once. Two follow-up sweeps (3 s and 13 s after a death)
/// catch the grains Orleans deactivates a little after it. This replaces a reminder per service, which at a million
/// services would tick thousands of times a second and hold a timer each.
/// </summary>
public sealed partial class ScheduleKeeper(
    IClusterMembershipService membership,
    ILocalSiloDetails local,
    IGrainFactory grains,
    NpgsqlDataSource dataSource,
    LocalServices localServices,
    ActivationPrefetch prefetch,
    Data.ServiceStore store,
    SnapshotPrefetch snapshots,
    History.StatusWriter writer,
    SpreadPolicy spread,
    IOptions<ScheduleOptions> options,
    TimeProvider time,
    ILogger<ScheduleKeeper> logger) : BackgroundService
{
    private const int ConcurrentWakes = 64;

    /// <summary>Services whose rows one query reads ahead of their wake calls (see <see cref="ActivationPrefetch"/>).</summary>
    private const int PrefetchBatch = 1000;
    private const int WakeRounds = 5;
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan[] FollowUps = [TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(10)];
    private static readonly TimeSpan StartDelay = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(10);

    // One sweep at a time: the periodic one and one for a death would otherwise wake the same grains together.
    private readonly SemaphoreSlim sweeping = new(1, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(StartDelay, stoppingToken);
            var dead = DeadSilos(membership.CurrentSnapshot);
            await SweepAsync("this silo started", stoppingToken, skipActiveHere: false);
            await Task.WhenAll(FollowMembershipAsync(dead, stoppingToken), SweepPeriodicallyAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override void Dispose()
    {
        sweeping.Dispose();
        base.Dispose();
    }

    private async Task FollowMembershipAsync(HashSet<string> dead, CancellationToken stoppingToken)
    {
        await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
        {
            var nowDead = DeadSilos(snapshot);
            if (nowDead.Except(dead).FirstOrDefault() is { } gone)
            {
                dead = nowDead;
                await SweepAsync($"silo {gone} left the fleet", stoppingToken, skipActiveHere: false);

                // Orleans deactivates a survivor's grains whose directory entries the dead silo held a little
                // after it is declared dead; grains woken before that go with them. Sweep again after it.
                foreach (var delay in FollowUps)
                {
                    await Task.Delay(delay, stoppingToken);
                    await SweepAsync($"silo {gone} left the fleet (follow-up)", stoppingToken, skipActiveHere: false);
                }
            }
        }
    }

    private async Task SweepPeriodicallyAsync(CancellationToken stoppingToken)
    {
        using var period = new PeriodicTimer(options.Value.WakeUpPeriod, time);
        while (await period.WaitForNextTickAsync(stoppingToken))
        {
            await SweepAsync("of the periodic sweep", stoppingToken, skipActiveHere: true);
        }
    }

    private static HashSet<string> DeadSilos(ClusterMembershipSnapshot snapshot) =>
        snapshot.Members.Where(m => m.Value.Status == SiloStatus.Dead).Select(m => m.Key.ToParsableString()).ToHashSet();

    /// <summary>
    /// Wakes this silo's share of the enabled services. With <paramref name="skipActiveHere"/> (the periodic sweep) the
    /// services whose grains are active here are left out, so a quiet fleet costs one query; the sweeps that follow a
    /// change of the fleet call every one of the share, as a grain active here a moment ago may be going (Orleans
    /// deactivates the grains whose directory entries a leaving silo held), and a call to it brings it back at once.
    /// </summary>
    private async Task SweepAsync(string reason, CancellationToken stoppingToken, bool skipActiveHere)
    {
        if (localServices.DrainTargets is not null)
        {
            // This silo is handing its services over: a wake call from here would activate grains that are
            // moving (placement favours this silo, which now holds few) and make them move twice.
            return;
        }

        await sweeping.WaitAsync(stoppingToken);
        try
        {
            await SweepSharedAsync(reason, skipActiveHere, stoppingToken);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // Nothing else stands behind the sweeps (no reminder per service): a failed one must not end the keeper,
            // whose next sweep (periodic, or after a death) calls what this one did not.
            LogSweepFailed(logger, reason, ex);
        }
        finally
        {
            sweeping.Release();
        }
    }

    private async Task SweepSharedAsync(string reason, bool skipActiveHere, CancellationToken stoppingToken)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var (ids, perCron) = await EnabledServicesAsync(stoppingToken);
        var active = membership.CurrentSnapshot.Members.Where(m => m.Value.Status == SiloStatus.Active).Select(m => m.Key.ToParsableString()).ToList();
        spread.Census(perCron, active.Count);
        var share = WakeShare.NotActiveHere(ids, active, local.SiloAddress.ToParsableString(), skipActiveHere ? localServices.Contains : _ => false);
        IReadOnlyCollection<long> pending = share;
        for (var round = 0; round < WakeRounds && pending.Count > 0; round++)
        {
            if (round > 0)
            {
                // Right after a silo is declared dead, a call can still be routed to it; try those again shortly.
                await Task.Delay(RetryAfter, stoppingToken);
            }

            var failed = new System.Collections.Concurrent.ConcurrentBag<long>();
            await Parallel.ForEachAsync(PrefetchedAsync(pending, stoppingToken), new ParallelOptions { MaxDegreeOfParallelism = ConcurrentWakes, CancellationToken = stoppingToken }, async (id, _) =>
            {
                try
                {
                    await grains.GetGrain<IServiceMonitorGrain>(id).WakeAsync();
                }
                catch (Exception) when (!stoppingToken.IsCancellationRequested)
                {
                    failed.Add(id);
                }
                finally
                {
                    prefetch.Withdraw(id);
                }
            });
            pending = failed;
        }

        // What still failed comes back with the next sweep.
        if (share.Count > 0 || !skipActiveHere)
        {
            LogSwept(logger, reason, share.Count, ids.Count, pending.Count, started.ElapsedMilliseconds);
        }
    }

    /// <summary>
    /// The ids of <paramref name="ids"/> in batches of <see cref="PrefetchBatch"/>, each batch offered to the activations
    /// (<see cref="ActivationPrefetch"/>) just before its first id is handed out, the next batch read meanwhile. A batch
    /// that cannot be read, or is read while another silo of the fleet is alive, is handed out without: its grains read
    /// their own rows. What was reserved or offered and not handed out (the sweep stopped) is withdrawn.
    /// </summary>
    private async IAsyncEnumerable<long> PrefetchedAsync(IReadOnlyCollection<long> ids, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken stoppingToken)
    {
        var batches = ids.Chunk(PrefetchBatch).ToList();
        var read = 0;
        var current = 0;
        var handedOut = 0;
        try
        {
            var ahead = batches.Count > 0 ? ReadBatchAsync(batches[read++]) : null;
            for (; current < batches.Count; current++)
            {
                var batch = await ahead!;
                ahead = read < batches.Count ? ReadBatchAsync(batches[read++]) : null;
                prefetch.Offer(batch.Reserved, batch.Rows, batch.Replays, batch.ReadAt, batch.Version, batch.States);
                handedOut = 0;
                foreach (var id in batches[current])
                {
                    stoppingToken.ThrowIfCancellationRequested();
                    handedOut++;
                    yield return id;
                }
            }
        }
        finally
        {
            // The rest of the batch being handed out and the batch read ahead (the ids handed out are withdrawn when their
            // wake call returns).
            for (var b = current; b < read; b++)
            {
                foreach (var id in batches[b].Skip(b == current ? handedOut : 0))
                {
                    prefetch.Withdraw(id);
                }
            }
        }
    }

    private async Task<PrefetchedBatch> ReadBatchAsync(long[] batch)
    {
        // Taken before the read, as an activation takes its own (see ActivationPrefetch).
        var replays = writer.MarkReplays();
        var readAt = time.GetUtcNow();
        var fleet = membership.CurrentSnapshot;
        var self = local.SiloAddress;
        if (fleet.Members.Any(m => m.Value.Status != SiloStatus.Dead && !m.Key.Equals(self)))
        {
            // Another silo is alive: some of the batch may be active there, and change what would be read until it goes.
            return new PrefetchedBatch([], EmptyRows, null, replays, readAt, 0);
        }

        // Of this silo's grains, those active here answer their wake at once.
        var inactive = batch.Where(id => !localServices.Contains(id)).ToArray();
        prefetch.Reserve(inactive);
        try
        {
            var rows = inactive.Length == 0 ? EmptyRows : await store.LoadManyAsync(inactive);
            return new PrefetchedBatch(inactive, rows, await StatesAsync(rows, readAt), replays, readAt, fleet.Version.Value);
        }
        catch (Exception ex)
        {
            // A read ahead only saves the activations their own reads: whatever stops it must not stop the sweep.
            LogPrefetchFailed(logger, inactive.Length, ex.Message);
            return new PrefetchedBatch(inactive, EmptyRows, null, replays, readAt, fleet.Version.Value);
        }
    }

    /// <summary>The stored states of <paramref name="rows"/> (see <see cref="SnapshotPrefetch"/>); null when they cannot be read (the grains read their own).</summary>
    private async Task<IReadOnlyDictionary<long, PrefetchedState>?> StatesAsync(IReadOnlyDictionary<long, Data.StoredService> rows, DateTimeOffset readAt)
    {
        try
        {
            return rows.Count == 0 ? null : await snapshots.ReadAsync(rows, readAt);
        }
        catch (Exception ex)
        {
            LogStatePrefetchFailed(logger, rows.Count, ex.Message);
            return null;
        }
    }

    private static readonly IReadOnlyDictionary<long, Data.StoredService> EmptyRows = new Dictionary<long, Data.StoredService>();

    private sealed record PrefetchedBatch(long[] Reserved, IReadOnlyDictionary<long, Data.StoredService> Rows, IReadOnlyDictionary<long, PrefetchedState>? States,
        History.ReplayMark Replays, DateTimeOffset ReadAt, long Version);

    /// <summary>
    /// The enabled services' ids, and disabled ones with an incident still open (their activation resolves it as
    /// <c>disabled</c>: the silo that disabled them died before it could), and the enabled checks per cron expression
    /// (<see cref="SpreadPolicy"/>); retried while PostgreSQL is away (the grains that are active keep checking meanwhile).
    /// </summary>
    private async Task<(IReadOnlyList<long> Ids, Dictionary<string, int> PerCron)> EnabledServicesAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(500);
        while (true)
        {
            try
            {
                var ids = new List<long>();
                var perCron = new Dictionary<string, int>(StringComparer.Ordinal);
                await using var batch = dataSource.CreateBatch();
                batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT id FROM client_services WHERE enabled OR id IN (SELECT service_id FROM incidents WHERE status = 'open')"));
                batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT btrim(cron_schedule), count(*)::int FROM client_services WHERE enabled AND type <> 'heartbeat' GROUP BY 1"));
                await using var reader = await batch.ExecuteReaderAsync(stoppingToken);
                while (await reader.ReadAsync(stoppingToken))
                {
                    ids.Add(reader.GetInt64(0));
                }

                await reader.NextResultAsync(stoppingToken);
                while (await reader.ReadAsync(stoppingToken))
                {
                    perCron[reader.GetString(0)] = reader.GetInt32(1);
                }

                return (ids, perCron);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                LogRetrying(logger, delay.TotalMilliseconds, ex.Message);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(MaxRetryDelay.Ticks, delay.Ticks * 2));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Woke {Share} of {Total} enabled services (the rest active here or another silo's share; {Failed} failed) in {ElapsedMs} ms because {Reason}")]
    private static partial void LogSwept(ILogger logger, string reason, int share, int total, int failed, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot read the rows of {Count} services to wake; their grains read their own: {Reason}")]
    private static partial void LogPrefetchFailed(ILogger logger, int count, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot read the stored states of {Count} services to wake; their grains read their own: {Reason}")]
    private static partial void LogStatePrefetchFailed(ILogger logger, int count, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "A sweep because {Reason} failed; the next one runs as planned")]
    private static partial void LogSweepFailed(ILogger logger, string reason, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot list the enabled services to wake; retrying in {DelayMs} ms: {Reason}")]
    private static partial void LogRetrying(ILogger logger, double delayMs, string reason);
}
