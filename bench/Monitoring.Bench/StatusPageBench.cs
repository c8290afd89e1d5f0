using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Monitoring.Bench;

/// <summary>
/// Status pages on one gateway: how many views a second a page of <c>services</c> services takes (HTML and JSON, wrk with
/// 64 connections and no key, against the bare endpoint with a body of the same size), how many gatherings they cost, and
/// what live updates cost: N keyless hub connections to <c>/hub?status_page={slug}</c> that each get every event of the
/// page's services and, as the page's script does, fetch the page again 1.2 s after an event (one fetch at a time per
/// connection; events during a pending fetch make one more after it). Last, on a quiet gateway, how long the first HTML
/// visitors of a fresh gathering wait, alone and 64 at once, against the visitors right after them.
/// </summary>
public static class StatusPageBench
{
    private const int MaxGatewayRequestBody = 100 * 1024;

    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan RefetchDelay = TimeSpan.FromMilliseconds(1200);

    // One serializer options for every connection: each instance has its own metadata cache.
    private static readonly JsonSerializerOptions Snake = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static async Task<Dictionary<string, object>> RunAsync(
        Context context, int services, string cron, int seconds, IReadOnlyList<int> connectionCounts, string refetch)
    {
        var fleet = context.Fleet;
        var created = await ServiceFactory.CreateAsync(fleet.Http, services, i => new()
        {
            ["name"] = $"page-service-{i:D3}",
            ["endpoint_url"] = $"{fleet.StubUrl}/health",
            ["cron_schedule"] = cron,
        });
        var ids = created.Select(c => c.GetProperty("id").GetInt64()).Order().ToArray();
        var clientId = created[0].GetProperty("client_id").GetInt64();
        var slug = $"bench-{Guid.NewGuid():N}"[..22];
        var response = await fleet.Http.PostAsJsonAsync("/status-pages", new { client_id = clientId, slug, title = "Bench status", service_ids = ids, @public = true });
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"creating the status page failed: {await response.Content.ReadAsStringAsync()}");
        }

        Console.Error.WriteLine($"[statuspage] page '{slug}' with {ids.Length} services on '{cron}'; letting them run {Settle.TotalSeconds} s");
        await Task.Delay(Settle);

        // A visitor: no key, keep-alive connections as a browser's.
        using var visitors = new HttpClient { BaseAddress = new Uri(fleet.GatewayUrl), Timeout = TimeSpan.FromSeconds(30) };
        var refetchPath = refetch switch
        {
            "json" => $"/status/{slug}.json",
            "html" => $"/status/{slug}",
            _ => throw new ArgumentException($"--refetch is json or html, not '{refetch}'"),
        };

        // The gateway with the page's events flowing through it and nobody connected or asking.
        var idleWindow = TimeSpan.FromSeconds(10);
        await using var idleCpu = fleet.SampleCpu();
        await Task.Delay(idleWindow);
        var idleMsPerSecond = (await idleCpu.StopAsync())["gateway"] / idleWindow.TotalSeconds;

        // Live updates first, while the gateway's heap has not yet been grown by the page views' large bodies, so that
        // its memory before and after opening the connections says something about the connections.
        var live = new Dictionary<string, object>();
        var runs = new List<Dictionary<string, object>>();
        foreach (var count in connectionCounts)
        {
            var run = await LiveAsync(context, visitors, slug, ids, count, seconds, refetchPath, idleMsPerSecond);
            runs.Add(run);
            live[$"{count}_connections"] = run;
            Console.Error.WriteLine($"[statuspage] live {count}: {JsonSerializer.Serialize(run)}");
            await Task.Delay(TimeSpan.FromSeconds(5));
        }

        var views = new Dictionary<string, object>();
        foreach (var (name, path) in new[] { ("html", $"/status/{slug}"), ("json", $"/status/{slug}.json") })
        {
            views[name] = await ViewsAsync(fleet, visitors, slug, path, seconds);
            Console.Error.WriteLine($"[statuspage] views {name}: {JsonSerializer.Serialize(views[name])}");
        }

        var firstViews = await FirstViewsAsync(visitors, slug);
        Console.Error.WriteLine($"[statuspage] first views of a gathering: {JsonSerializer.Serialize(firstViews)}");

        // The gateway's CPU for the messages alone: less its idle CPU and the refetches at the CPU per request the page
        // views measured for the same path (an estimate: those ran at saturation, with 64 keep-alive connections).
        var refetchCpuMsPerRequest = (double)((Dictionary<string, object>)views[refetch])["gateway_cpu_ms_per_request"];
        foreach (var run in runs)
        {
            var window = (double)run["window_seconds"];
            var net = ((double)run["gateway_cpu_ms_per_second"] - idleMsPerSecond) * window - (long)run["refetches"] * refetchCpuMsPerRequest;
            run["gateway_cpu_ms_per_message_net_of_idle_and_refetches"] = Math.Round(net / Math.Max(1, (long)run["messages_received_in_window"]), 4);
        }

        var slope = new Dictionary<string, object>();
        if (runs.Count >= 2)
        {
            var (a, b) = (runs[0], runs[^1]);
            var connections = (double)((int)b["connections"] - (int)a["connections"]);
            double Per(string field) => Math.Round(((double)b[field] - (double)a[field]) / connections, 4);
            slope["between"] = $"{a["connections"]} and {b["connections"]} connections";
            slope["gateway_cpu_ms_per_second_per_connection"] = Per("gateway_cpu_ms_per_second");
            slope["refetches_per_second_per_connection"] = Per("refetches_per_second");
            slope["messages_per_second_per_connection"] = Per("messages_per_second");
            slope["bench_client_cpu_ms_per_second_per_connection"] = Per("bench_client_cpu_ms_per_second");
        }

        return new Dictionary<string, object>
        {
            ["services"] = ids.Length,
            ["cron"] = cron,
            ["seconds_per_run"] = seconds,
            ["page_views"] = new Dictionary<string, object>
            {
                ["wrk_connections"] = 64,
                ["key"] = "none (a visitor of a public page); the bare endpoint needs the bench key",
                ["gatherings_counted_by"] = "distinct generated_at values seen by a sampler GETting the page's .json every 100 ms during the run "
                    + "(a gathering lives at least ~1 s, so a lower bound that misses only gatherings that took over ~1 s)",
                ["first_views_of_a_gathering"] = "after the wrk runs, on a quiet gateway: JSON is polled until a new gathering appears (a JSON "
                    + "request gathers but does not render HTML), then the HTML is fetched by 1, or by 64 visitors at once, and right after "
                    + "by as many again (rendered by then); repeated 3 times each",
                ["endpoints"] = views,
                ["first_views_of_a_gathering_html"] = firstViews,
            },
            ["gateway_idle_cpu_ms_per_second"] = Stats.Round(idleMsPerSecond),
            ["order"] = "idle gateway, live updates (each connection count), then page views",
            ["live_updates"] = new Dictionary<string, object>
            {
                ["refetch"] = $"GET {refetchPath.Replace(slug, "{slug}", StringComparison.Ordinal)}, {RefetchDelay.TotalMilliseconds} ms after an event, at most one pending per connection (as status-page.js, which refetches the HTML page: --refetch html)",
                ["messages"] = "every result of a shown service comes as one message, \"service-status created\" (incidents add theirs)",
                ["bench_client"] = "the connections and refetches run in the bench's own process on the same 2 cores: its CPU is reported, and latencies include its queueing",
                ["transport"] = "WebSockets, negotiation skipped, no key",
                ["latency_measured_as"] = "receive time minus the result's checked_at; also minus its stored_at (the row's COPY time, just before its commit; the event is published after the commit)",
                ["runs"] = live,
                ["slope"] = slope,
            },
        };
    }

    private static async Task<Dictionary<string, object>> ViewsAsync(BenchFleet fleet, HttpClient visitors, string slug, string path, int seconds)
    {
        var body = await visitors.GetByteArrayAsync(path);
        // The gateway takes request bodies of at most 100 KiB (GatewayApp.MaxRequestBodyBytes), the bare endpoint's PUT
        // included: a larger page is compared with the largest bare body it takes, and the ratio in bytes is given too.
        var bareBody = body;
        var put = await fleet.Http.PutAsync("/__bench/bare", new ByteArrayContent(bareBody));
        if (put.StatusCode == System.Net.HttpStatusCode.RequestEntityTooLarge)
        {
            bareBody = body[..Math.Min(body.Length, MaxGatewayRequestBody)];
            put = await fleet.Http.PutAsync("/__bench/bare", new ByteArrayContent(bareBody));
        }

        put.EnsureSuccessStatusCode();
        await using var bareCpu = fleet.SampleCpu();
        var bare = await Scenarios.WrkAsync(fleet.GatewayUrl + "/__bench/bare", seconds);
        var bareUsed = await bareCpu.StopAsync();

        await using var gatherings = GatheringSampler.Start(visitors, slug);
        await using var cpu = fleet.SampleCpu();
        var heapBefore = await GatewayMetrics.ReadAsync(fleet.Http);
        var run = await Scenarios.WrkAsync(fleet.GatewayUrl + path, seconds, key: null);
        var used = await cpu.StopAsync();
        var heapAfter = await GatewayMetrics.ReadAsync(fleet.Http);
        var (distinct, samples, failures) = await gatherings.StopAsync();
        return new Dictionary<string, object>
        {
            ["body_bytes"] = body.Length,
            ["requests_per_second"] = run.Rps,
            ["p99_ms"] = run.P99Ms,
            ["requests"] = run.Requests,
            ["socket_errors"] = run.SocketErrors ?? "none",
            ["bare_requests_per_second"] = bare.Rps,
            ["bare_p99_ms"] = bare.P99Ms,
            ["bare_body_bytes"] = bareBody.Length,
            ["ratio_to_bare"] = Stats.Round(run.Rps / bare.Rps),
            ["ratio_to_bare_in_bytes_per_second"] = Stats.Round(run.Rps * body.Length / (bare.Rps * bareBody.Length)),
            ["gateway_cpu_ms_per_request"] = Math.Round(used["gateway"] / run.Requests, 4),
            ["bare_gateway_cpu_ms_per_request"] = Math.Round(bareUsed["gateway"] / bare.Requests, 4),
            ["silo_cpu_ms_per_second"] = Stats.Round(used["silo"] / seconds),
            ["gatherings"] = distinct,
            ["gatherings_per_second"] = Stats.Round((double)distinct / seconds),
            ["requests_per_gathering"] = distinct == 0 ? double.NaN : Stats.Round((double)run.Requests / distinct),
            ["gathering_sampler_fetches"] = samples,
            ["gathering_sampler_failures"] = failures,
            ["gateway_gc_collections_during_run"] = GatewayMetrics.Delta(heapBefore, heapAfter, "dotnet_gc_collections_total"),
            ["gateway_gc_heap_bytes_allocated_per_request"] = Math.Round(GatewayMetrics.Delta(heapBefore, heapAfter, "dotnet_gc_heap_total_allocated_bytes_total") / run.Requests),
            ["gateway_rss_kb_after_run"] = ProcessStats.RssKb(fleet.Gateway.Id),
            ["gateway_gc_committed_kb_after_run"] = (long)(heapAfter.GetValueOrDefault("dotnet_gc_last_collection_memory_committed_size_bytes") / 1024),
        };
    }

    /// <summary>
    /// How long the first HTML visitors of a fresh gathering wait, alone and 64 at once, against those right after them
    /// (the HTML is rendered once per gathering, by the first visitor who asks; concurrent first visitors may each render it).
    /// </summary>
    private static async Task<Dictionary<string, object>> FirstViewsAsync(HttpClient visitors, string slug)
    {
        var json = $"/status/{slug}.json";
        var html = $"/status/{slug}";
        // 64 keep-alive connections open before anything is timed.
        await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => visitors.GetByteArrayAsync("/status-assets/status-page.css")));
        var result = new Dictionary<string, object>();
        foreach (var visitorsAtOnce in new[] { 1, 64 })
        {
            var first = new List<double>();
            var then = new List<double>();
            var batches = new List<object>();
            for (var round = 0; round < 3; round++)
            {
                var generation = DateTimeOffset.Parse(await NextGenerationAsync(visitors, json), CultureInfo.InvariantCulture)
                    .UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
                var firstBatch = await Task.WhenAll(Enumerable.Range(0, visitorsAtOnce).Select(_ => TimedHtmlAsync(visitors, html)));
                var thenBatch = await Task.WhenAll(Enumerable.Range(0, visitorsAtOnce).Select(_ => TimedHtmlAsync(visitors, html)));
                first.AddRange(firstBatch.Select(b => b.Ms));
                then.AddRange(thenBatch.Select(b => b.Ms));
                batches.Add(new Dictionary<string, object>
                {
                    ["first_batch_max_ms"] = Stats.Round(firstBatch.Max(b => b.Ms)),
                    ["then_batch_max_ms"] = Stats.Round(thenBatch.Max(b => b.Ms)),
                    // A batch must have been served the gathering the JSON showed (to the second), or the comparison says nothing.
                    ["first_batch_same_gathering"] = firstBatch.Count(b => b.Generation == generation),
                    ["then_batch_same_gathering"] = thenBatch.Count(b => b.Generation == generation),
                });
            }

            result[$"{visitorsAtOnce}_at_once"] = new Dictionary<string, object>
            {
                ["first_visitors_ms"] = Stats.Summary(first),
                ["next_visitors_ms"] = Stats.Summary(then),
                ["rounds"] = batches,
            };
        }

        return result;
    }

    private static async Task<string> NextGenerationAsync(HttpClient visitors, string json)
    {
        var current = await GenerationAsync(visitors, json, CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
            if (await GenerationAsync(visitors, json, CancellationToken.None) is var next && next != current)
            {
                return next;
            }
        }

        throw new InvalidOperationException($"{json} showed no new gathering within 30 s (generated_at stayed {current})");
    }

    private static async Task<string> GenerationAsync(HttpClient visitors, string json, CancellationToken cancellationToken) =>
        (await visitors.GetFromJsonAsync<JsonElement>(json, cancellationToken)).GetProperty("generated_at").GetString()!;

    private static async Task<(double Ms, string? Generation)> TimedHtmlAsync(HttpClient visitors, string html)
    {
        var started = Stopwatch.GetTimestamp();
        var page = await visitors.GetStringAsync(html);
        var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        // <main id="status" ... data-generated-at="2026-11-30T04:08:42Z">: the JSON's generated_at, to the second.
        var at = page.IndexOf("data-generated-at=\"", StringComparison.Ordinal);
        var value = at < 0 ? null : page[(at + 19)..page.IndexOf('"', at + 19)];
        return (ms, value);
    }

    private static async Task<Dictionary<string, object>> LiveAsync(
        Context context, HttpClient visitors, string slug, long[] ids, int count, int seconds, string refetchPath, double idleMsPerSecond)
    {
        var fleet = context.Fleet;
        var gateway = fleet.Gateway.Id;
        var metricsBefore = await GatewayMetrics.ReadAsync(fleet.Http);
        var rssBefore = ProcessStats.RssKb(gateway);
        var benchRssBefore = ProcessStats.RssKb(Environment.ProcessId);
        await using var pages = new OpenPages(fleet.GatewayUrl, slug, refetchPath, visitors);
        var opening = Stopwatch.StartNew();
        var failed = await pages.OpenAsync(count, parallel: 16);
        var openSeconds = opening.Elapsed.TotalSeconds;
        if (failed == count)
        {
            throw new InvalidOperationException($"no hub connection to /hub?status_page={slug} opened: {pages.Visitors[0].Failure}");
        }

        await Task.Delay(TimeSpan.FromSeconds(5));
        var rssOpen = ProcessStats.RssKb(gateway);
        var benchRssOpen = ProcessStats.RssKb(Environment.ProcessId);
        var metricsOpen = await GatewayMetrics.ReadAsync(fleet.Http);

        // The pages refetch from here on (before, an event only counted), so that the memory above is the connections'.
        pages.StartRefetching();

        await using var gatherings = GatheringSampler.Start(visitors, slug);
        await using var cpu = fleet.SampleCpu();
        var benchCpuBefore = ProcessStats.CpuMs(Environment.ProcessId);
        var t0 = DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        var t1 = DateTimeOffset.UtcNow;
        var used = await cpu.StopAsync();
        var benchCpu = ProcessStats.CpuMs(Environment.ProcessId) - benchCpuBefore;
        var (distinct, _, _) = await gatherings.StopAsync();
        // Results checked just before t1 are still on their way.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var rssAfter = ProcessStats.RssKb(gateway);
        var metricsAfter = await GatewayMetrics.ReadAsync(fleet.Http);
        var closedEarly = pages.Visitors.Count(v => v.ClosedAt is not null);
        var closeReasons = pages.Visitors.Where(v => v.ClosedAt is not null).GroupBy(v => v.CloseReason ?? "closed without error").ToDictionary(g => g.Key, g => (object)g.Count());
        await pages.StopAsync();

        var rows = await EngineWindow.RowsAsync(context.Database, t0, t1, ids);
        var offered = rows.ToDictionary(r => (r.ServiceId, r.CheckedAt.ToUnixTimeMilliseconds()));
        var window = (t1 - t0).TotalSeconds;
        var opened = pages.Visitors.Where(v => v.Failure is null).ToList();
        var received = new List<double>();
        var latencies = new List<double>();
        var sinceStored = new List<double>();
        long messages = 0, duplicates = 0, others = 0;
        foreach (var visitor in opened)
        {
            var seen = new HashSet<(long, long)>();
            foreach (var (id, at) in visitor.Statuses)
            {
                var receivedAt = new DateTimeOffset(at, TimeSpan.Zero);
                if (receivedAt >= t0 && receivedAt < t1)
                {
                    messages++;
                }

                if (!offered.TryGetValue(id, out var row))
                {
                    continue;
                }

                if (!seen.Add(id))
                {
                    duplicates++;
                    continue;
                }

                latencies.Add((receivedAt - row.CheckedAt).TotalMilliseconds);
                sinceStored.Add((receivedAt - row.StoredAt).TotalMilliseconds);
            }

            foreach (var at in visitor.Others)
            {
                var receivedAt = new DateTimeOffset(at, TimeSpan.Zero);
                if (receivedAt >= t0 && receivedAt < t1)
                {
                    messages++;
                    others++;
                }
            }

            received.Add(seen.Count);
        }

        var sortedReceived = received.Order().ToList();
        var refetches = pages.Refetches.Where(r => r.At >= t0 && r.At < t1).ToList();
        var gatewayMs = used["gateway"];
        return new Dictionary<string, object>
        {
            ["connections"] = count,
            ["connections_failed_to_open"] = failed,
            ["open_seconds"] = Stats.Round(openSeconds),
            ["window_seconds"] = Stats.Round(window),
            ["events_offered"] = offered.Count,
            ["events_offered_per_second"] = Stats.Round(offered.Count / window),
            ["expected_status_messages_per_connection"] = offered.Count,
            ["received_status_messages_per_connection"] = new Dictionary<string, object>
            {
                ["min"] = sortedReceived.Count == 0 ? 0 : sortedReceived[0],
                ["median"] = Stats.Percentile(sortedReceived, 50),
                ["max"] = sortedReceived.Count == 0 ? 0 : sortedReceived[^1],
            },
            ["connections_that_missed_any"] = received.Count(r => r < offered.Count),
            ["status_messages_missed_total"] = (long)received.Sum(r => offered.Count - r),
            ["duplicate_status_messages"] = duplicates,
            ["connections_closed_by_server_during_run"] = closedEarly,
            ["close_reasons"] = closeReasons,
            ["messages_received_in_window"] = messages,
            ["other_messages_received_in_window"] = others,
            ["messages_per_second"] = Stats.Round(messages / window),
            ["delivery_latency_ms_from_checked_at"] = Stats.Summary(latencies),
            ["delivery_latency_ms_from_stored_at"] = Stats.Summary(sinceStored),
            ["gateway_cpu_ms_per_second"] = Stats.Round(gatewayMs / window),
            ["gateway_cpu_ms_per_message"] = Math.Round(gatewayMs / Math.Max(1, messages), 4),
            ["gateway_cpu_ms_per_message_net_of_idle"] = Math.Round((gatewayMs - idleMsPerSecond * window) / Math.Max(1, messages), 4),
            ["cpu_ms_per_second"] = used.ToDictionary(p => p.Key, p => (object)Stats.Round(p.Value / window)),
            ["bench_client_cpu_ms_per_second"] = Stats.Round(benchCpu / window),
            ["gateway_rss_kb_before"] = rssBefore,
            ["gateway_rss_kb_open"] = rssOpen,
            ["gateway_rss_kb_after_run"] = rssAfter,
            ["gateway_kb_per_connection"] = Stats.Round((double)(rssOpen - rssBefore) / Math.Max(1, count - failed)),
            ["gateway_signalr_active_connections"] = new Dictionary<string, object>
            {
                ["before"] = metricsBefore.GetValueOrDefault("signalr_server_active_connections"),
                ["open"] = metricsOpen.GetValueOrDefault("signalr_server_active_connections"),
                ["end_of_run"] = metricsAfter.GetValueOrDefault("signalr_server_active_connections"),
            },
            ["gateway_gc_committed_kb"] = new Dictionary<string, object>
            {
                ["before"] = (long)(metricsBefore.GetValueOrDefault("dotnet_gc_last_collection_memory_committed_size_bytes") / 1024),
                ["open"] = (long)(metricsOpen.GetValueOrDefault("dotnet_gc_last_collection_memory_committed_size_bytes") / 1024),
                ["end_of_run"] = (long)(metricsAfter.GetValueOrDefault("dotnet_gc_last_collection_memory_committed_size_bytes") / 1024),
            },
            ["gateway_gc_collections_while_opening"] = GatewayMetrics.Delta(metricsBefore, metricsOpen, "dotnet_gc_collections_total"),
            ["bench_client_kb_per_connection"] = Stats.Round((double)(benchRssOpen - benchRssBefore) / Math.Max(1, count - failed)),
            ["refetches"] = (long)refetches.Count,
            ["refetches_per_second"] = Stats.Round(refetches.Count / window),
            ["refetches_per_connection_per_second"] = Stats.Round(refetches.Count / window / Math.Max(1, count - failed)),
            ["refetch_latency_ms"] = Stats.Summary(refetches.Select(r => r.Ms)),
            ["refetch_failures"] = refetches.Count(r => r.Status != 200),
            ["gatherings_in_window"] = distinct,
        };
    }

    /// <summary>GETs the page's JSON every 100 ms and counts the distinct <c>generated_at</c> values (one per gathering).</summary>
    private sealed class GatheringSampler : IAsyncDisposable
    {
        private readonly HashSet<string> seen = [];
        private readonly CancellationTokenSource stop = new();
        private Task loop = Task.CompletedTask;
        private int samples;
        private int failures;

        public static GatheringSampler Start(HttpClient visitors, string slug)
        {
            var sampler = new GatheringSampler();
            sampler.loop = sampler.RunAsync(visitors, $"/status/{slug}.json");
            return sampler;
        }

        public async Task<(int Distinct, int Samples, int Failures)> StopAsync()
        {
            await stop.CancelAsync();
            await loop;
            return (seen.Count, samples, failures);
        }

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await loop;
        }

        private async Task RunAsync(HttpClient visitors, string path)
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    seen.Add(await GenerationAsync(visitors, path, stop.Token));
                    samples++;
                    await Task.Delay(100, stop.Token);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex) when (ex is HttpRequestException or JsonException or KeyNotFoundException or OperationCanceledException)
                {
                    failures++;
                    await Task.Delay(100, CancellationToken.None);
                }
            }
        }
    }

    /// <summary>The open pages of one run; disposing closes every connection and stops their fetches.</summary>
    private sealed class OpenPages(string gatewayUrl, string slug, string refetchPath, HttpClient visitors) : IAsyncDisposable
    {
        private readonly List<PageVisitor> visitorList = [];
        private readonly CancellationTokenSource stop = new();
        private readonly RefetchSwitch refetching = new();
        private bool stopped;

        public IReadOnlyList<PageVisitor> Visitors => visitorList;

        public void StartRefetching() => refetching.On = true;

        public ConcurrentBag<Refetch> Refetches { get; } = [];

        public async Task<int> OpenAsync(int count, int parallel)
        {
            var failed = 0;
            await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (_, ct) =>
            {
                var visitor = new PageVisitor(gatewayUrl, slug, refetchPath, visitors, Refetches, refetching, stop.Token);
                lock (visitorList)
                {
                    visitorList.Add(visitor);
                }

                try
                {
                    await visitor.StartAsync(ct);
                }
                catch (Exception ex)
                {
                    visitor.Failure = ex.Message;
                    Interlocked.Increment(ref failed);
                }
            });
            return failed;
        }

        /// <summary>Stops the fetches and closes the connections (the figures stay readable).</summary>
        public async Task StopAsync()
        {
            if (stopped)
            {
                return;
            }

            stopped = true;
            await stop.CancelAsync();
            await Parallel.ForEachAsync(visitorList, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (visitor, _) => await visitor.DisposeAsync());
        }

        public async ValueTask DisposeAsync() => await StopAsync();
    }

    private readonly record struct Refetch(DateTimeOffset At, double Ms, int Status);

    private sealed class RefetchSwitch
    {
        public volatile bool On;
    }

    /// <summary>One open page: its hub connection, what it received and when, and the script's refetch.</summary>
    private sealed class PageVisitor
    {
        private static readonly string[] OtherEvents = ["incidents created", "incidents patched", "client-services patched"];

        private readonly HubConnection connection;
        private readonly string refetchPath;
        private readonly HttpClient visitors;
        private readonly ConcurrentBag<Refetch> refetches;
        private readonly RefetchSwitch refetching;
        private readonly CancellationToken stop;
        private readonly Lock gate = new();
        private bool refreshing;
        private bool again;
        private volatile bool disposing;

        public PageVisitor(string gatewayUrl, string slug, string refetchPath, HttpClient visitors, ConcurrentBag<Refetch> refetches, RefetchSwitch refetching, CancellationToken stop)
        {
            this.refetching = refetching;
            this.refetchPath = refetchPath;
            this.visitors = visitors;
            this.refetches = refetches;
            this.stop = stop;
            connection = new HubConnectionBuilder()
                .WithUrl($"{gatewayUrl}/hub?status_page={slug}", HttpTransportType.WebSockets, o => o.SkipNegotiation = true)
                .AddJsonProtocol(o => o.PayloadSerializerOptions = Snake)
                .Build();
            connection.On<PageStatus>("service-status created", status =>
            {
                var at = DateTimeOffset.UtcNow.UtcTicks;
                lock (gate)
                {
                    Statuses.Add(((status.ServiceId, status.CheckedAt.ToUnixTimeMilliseconds()), at));
                }

                Changed();
            });
            foreach (var name in OtherEvents)
            {
                connection.On<PageRecord>(name, _ =>
                {
                    var at = DateTimeOffset.UtcNow.UtcTicks;
                    lock (gate)
                    {
                        Others.Add(at);
                    }

                    Changed();
                });
            }

            connection.Closed += error =>
            {
                if (!disposing)
                {
                    ClosedAt = DateTimeOffset.UtcNow;
                    CloseReason = error?.Message;
                }

                return Task.CompletedTask;
            };
        }

        /// <summary>"service-status created": the result (a page event names it by service and checked_at, not id) and when it arrived (UTC ticks).</summary>
        public List<((long ServiceId, long CheckedAtMs) Id, long At)> Statuses { get; } = new(256);

        /// <summary>When each other event (incidents, service patched) arrived (UTC ticks).</summary>
        public List<long> Others { get; } = new(256);

        public string? Failure { get; set; }

        public DateTimeOffset? ClosedAt { get; private set; }

        public string? CloseReason { get; private set; }

        public Task StartAsync(CancellationToken cancellationToken) => connection.StartAsync(cancellationToken);

        public async ValueTask DisposeAsync()
        {
            disposing = true;
            await connection.DisposeAsync();
        }

        // status-page.js: a refresh 1.2 s after an event; events while one is pending ask for one more after it.
        private void Changed()
        {
            if (!refetching.On)
            {
                return;
            }

            lock (gate)
            {
                if (refreshing)
                {
                    again = true;
                    return;
                }

                refreshing = true;
            }

            _ = RefreshAsync();
        }

        private async Task RefreshAsync()
        {
            try
            {
                await Task.Delay(RefetchDelay, stop);
                var at = DateTimeOffset.UtcNow;
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await visitors.GetAsync(refetchPath, HttpCompletionOption.ResponseContentRead, stop);
                    refetches.Add(new Refetch(at, Stopwatch.GetElapsedTime(started).TotalMilliseconds, (int)response.StatusCode));
                }
                catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !stop.IsCancellationRequested))
                {
                    // Refused, reset or timed out: a failed refetch (status 0).
                    refetches.Add(new Refetch(at, Stopwatch.GetElapsedTime(started).TotalMilliseconds, 0));
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }

            lock (gate)
            {
                refreshing = false;
                if (!again)
                {
                    return;
                }

                again = false;
            }

            Changed();
        }
    }

    private sealed record PageStatus(long ServiceId, DateTimeOffset CheckedAt);

    private sealed record PageRecord(long Id);
}
