using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Monitoring.Grains.Scheduling;

namespace Monitoring.Bench;

/// <summary>
/// Plays the jobs of the heartbeat benchmark: at every occurrence of the shared cron, each registered service's
/// ping_url is called once (GET) at the occurrence plus the service's stable offset (so one occurrence's pings are
/// spread over <see cref="Spread"/>, not one burst), through a few pooled HttpClients with at most
/// <c>concurrency</c> pings in flight. A service also gets one ping as it is registered (so it is covered from its
/// creation on). Every ping is recorded: when it was planned, sent and answered, and the answer's status.
/// </summary>
public sealed class Pinger : IAsyncDisposable
{
    /// <summary>No ping is planned earlier than this after its occurrence (so no ping can be taken for the one before).</summary>
    private static readonly TimeSpan MinOffset = TimeSpan.FromMilliseconds(5);

    private readonly CronSchedule cron;
    private readonly HttpClient[] clients;
    private readonly SemaphoreSlim slots;
    private readonly int concurrency;
    private readonly List<Target> targets = [];
    private readonly CancellationTokenSource stop = new();
    private Task? loop;
    private long lastOccurrenceTicks = DateTimeOffset.MaxValue.UtcTicks;
    private long skipped;

    public Pinger(CronSchedule cron, TimeSpan spread, int clientCount = 4, int concurrency = 256)
    {
        this.cron = cron;
        this.concurrency = concurrency;
        Spread = spread;
        slots = new SemaphoreSlim(concurrency, concurrency);
        clients = Enumerable.Range(0, clientCount).Select(_ => new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(1, concurrency / clientCount),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            Timeout = TimeSpan.FromSeconds(30),
        }).ToArray();
    }

    /// <summary>A job: its service, ping_url and offset after each occurrence.</summary>
    public sealed record Target(int Index, long ServiceId, string Url, TimeSpan Offset);

    /// <summary>
    /// One ping: <see cref="Occurrence"/> is null for the ping sent at registration; <see cref="Status"/> is the HTTP
    /// status, or 0 when no answer came (<see cref="Error"/> says why).
    /// </summary>
    public readonly record struct Ping(
        long ServiceId, DateTimeOffset? Occurrence, DateTimeOffset Planned, DateTimeOffset Sent, DateTimeOffset Answered, double LatencyMs, int Status, string? Error);

    public TimeSpan Spread { get; }

    public ConcurrentQueue<Ping> Pings { get; } = new();

    /// <summary>Whether the ping of a service for an occurrence is left out (the stopped jobs of the second phase).</summary>
    public Func<long, DateTimeOffset, bool> Withhold { get; set; } = (_, _) => false;

    /// <summary>How many pings <see cref="Withhold"/> left out.</summary>
    public long Skipped => Interlocked.Read(ref skipped);

    public void Start() => loop = Task.Run(RunAsync);

    /// <summary>Adds a job and sends its first ping now (not awaited).</summary>
    public async Task RegisterAsync(long serviceId, string url)
    {
        Target target;
        lock (targets)
        {
            target = new Target(targets.Count, serviceId, url, OffsetOf(serviceId));
            targets.Add(target);
        }

        await slots.WaitAsync();
        var now = DateTimeOffset.UtcNow;
        _ = SendAsync(target, null, now);
    }

    /// <summary>Sends the pings of every occurrence up to <paramref name="last"/> (inclusive), then stops and waits for the answers.</summary>
    public async Task FinishAfterAsync(DateTimeOffset last)
    {
        Volatile.Write(ref lastOccurrenceTicks, last.UtcTicks);
        if (loop is not null)
        {
            await loop;
        }

        await DrainAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        if (loop is not null)
        {
            try
            {
                await loop;
            }
            catch (OperationCanceledException)
            {
            }
        }

        await DrainAsync();
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }

    /// <summary>The stable offset of a service's pings after each occurrence, in [5 ms, spread).</summary>
    private TimeSpan OffsetOf(long serviceId)
    {
        // Another multiplicative hash than the engine's spread: the jobs' timing has nothing to do with the grain's.
        var share = ((ulong)serviceId * 0xD6E8FEB86659FD93UL >> 11) / (double)(1UL << 53);
        var room = Spread - MinOffset;
        return room <= TimeSpan.Zero ? MinOffset : MinOffset + TimeSpan.FromMilliseconds(Math.Floor(room.TotalMilliseconds * share));
    }

    private async Task RunAsync()
    {
        var occurrence = cron.NextAfter(DateTimeOffset.UtcNow);
        while (occurrence is { } current && !stop.IsCancellationRequested && current.UtcTicks <= Volatile.Read(ref lastOccurrenceTicks))
        {
            Target[] due;
            lock (targets)
            {
                due = [.. targets];
            }

            Array.Sort(due, (a, b) => a.Offset.CompareTo(b.Offset));
            foreach (var target in due)
            {
                var planned = current + target.Offset;
                var wait = planned - DateTimeOffset.UtcNow;
                if (wait > TimeSpan.FromMilliseconds(1))
                {
                    await Task.Delay(wait, stop.Token);
                }

                if (Withhold(target.ServiceId, current))
                {
                    Interlocked.Increment(ref skipped);
                    continue;
                }

                await slots.WaitAsync(stop.Token);
                _ = SendAsync(target, current, planned);
            }

            // Targets registered while this occurrence was being sent start with the next one (their first ping covers this one).
            occurrence = cron.NextAfter(current);
            var untilNext = (occurrence ?? DateTimeOffset.MaxValue) - DateTimeOffset.UtcNow;
            if (occurrence is not null && untilNext > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(untilNext, stop.Token);
            }
        }
    }

    /// <summary>Sends one ping on a slot already taken, records it and gives the slot back.</summary>
    private async Task SendAsync(Target target, DateTimeOffset? occurrence, DateTimeOffset planned)
    {
        var sent = DateTimeOffset.UtcNow;
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await clients[target.Index % clients.Length].GetAsync(target.Url);
            var latency = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            Pings.Enqueue(new Ping(target.ServiceId, occurrence, planned, sent, DateTimeOffset.UtcNow, latency, (int)response.StatusCode, null));
        }
        catch (Exception ex)
        {
            var latency = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            Pings.Enqueue(new Ping(target.ServiceId, occurrence, planned, sent, DateTimeOffset.UtcNow, latency, 0, ex is TaskCanceledException ? "timeout" : ex.GetType().Name));
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>Waits for every ping in flight: takes all the slots, then gives them back.</summary>
    private async Task DrainAsync()
    {
        for (var i = 0; i < concurrency; i++)
        {
            await slots.WaitAsync();
        }

        slots.Release(concurrency);
    }
}
