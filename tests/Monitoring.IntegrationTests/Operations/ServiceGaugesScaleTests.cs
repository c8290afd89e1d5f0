using System.Diagnostics;
using System.IO.Compression;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Monitors;
using Monitoring.Grains.Services;
using Monitoring.Hosting;
using Monitoring.IntegrationTests.Infrastructure;
using Monitoring.Silo;
using Xunit.Abstractions;

namespace Monitoring.IntegrationTests.Operations;

/// <summary>
/// What one scrape of a silo hosting 100,000 services costs: the silo's own telemetry wiring and /metrics endpoint
/// (Kestrel on 127.0.0.1), with the registry filled as the grains fill it. Reports time, bytes and memory on the test's
/// output; asserts only that every service is there (no overflow), never how fast.
/// </summary>
[Collection(MetricsCollection.Name)]
public sealed class ServiceGaugesScaleTests(ITestOutputHelper output)
{
    private const int Services = 100_000;

    [Fact]
    public async Task A_scrape_of_100000_services_has_every_series()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(sp => new ServiceGauges(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        builder.AddMonitoringTelemetry("scale-test", metrics: meters => meters.AddServiceSeriesLimit(SiloMetrics.MaxServiceSeries(builder.Configuration)));
        await using var app = builder.Build();
        app.MapMonitoringMetrics(key: null);
        await app.StartAsync();
        var gauges = app.Services.GetRequiredService<ServiceGauges>();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromMinutes(2) };

        var idle = await ScrapeAsync(http);
        var heapBefore = Heap();
        Fill(gauges);
        var heapFilled = Heap();
        var first = await ScrapeAsync(http);
        var heapScraped = Heap();
        var runs = new List<Scrape>();
        for (var i = 0; i < 5; i++)
        {
            await Task.Delay(400); // past the exporter's 300 ms response cache
            runs.Add(await ScrapeAsync(http));
        }

        await Task.Delay(400);
        var last = await ScrapeAsync(http, keep: true);
        var text = PrometheusText.Parse(last.Body);
        Assert.Equal(Services, text.Find("monitoring_service_up").Count);
        Assert.Equal(Services, text.Find("monitoring_service_status").Count);
        Assert.Equal(Services, text.Find("monitoring_service_response_time_seconds").Count);
        Assert.Equal(Services / 2, text.Find("monitoring_service_tls_expiry_timestamp_seconds").Count);
        Assert.DoesNotContain("otel_metric_overflow", last.Body);
        Assert.Equal(0, text.Value("monitoring_service_up", "service_id", "3", "client_id", "3", "service_name", "service-3", "type", "tcp"));

        var gzip = Gzipped(last.Body);
        output.WriteLine($"idle scrape (no services): {idle.Bytes:N0} bytes in {idle.Elapsed.TotalMilliseconds:N0} ms");
        output.WriteLine($"first scrape of {Services:N0} services: {first.Bytes:N0} bytes in {first.Elapsed.TotalMilliseconds:N0} ms, {first.Allocated / 1e6:N0} MB allocated");
        foreach (var run in runs)
        {
            output.WriteLine($"scrape: {run.Bytes:N0} bytes ({gzip:N0} gzipped) in {run.Elapsed.TotalMilliseconds:N0} ms, {run.Allocated / 1e6:N0} MB allocated");
        }

        foreach (var name in new[] { "monitoring_service_up", "monitoring_service_status", "monitoring_service_response_time_seconds", "monitoring_service_tls_expiry_timestamp_seconds" })
        {
            output.WriteLine(last.Body.Split('\n').First(line => line.StartsWith(name + "{", StringComparison.Ordinal)));
        }

        output.WriteLine($"median scrape: {runs.Select(r => r.Elapsed.TotalMilliseconds).Order().ElementAt(runs.Count / 2):N0} ms");
        output.WriteLine($"heap: {heapBefore / 1e6:N1} MB before, {heapFilled / 1e6:N1} MB with the registry filled, {heapScraped / 1e6:N1} MB after the first scrape, {Heap() / 1e6:N1} MB at the end");
    }

    /// <summary>Half up, a quarter degraded, a quarter down; http and tcp alternating; every other one with a certificate.</summary>
    private static void Fill(ServiceGauges gauges)
    {
        var expires = DateTimeOffset.UtcNow.AddDays(60);
        for (var id = 1L; id <= Services; id++)
        {
            var config = new ServiceConfig
            {
                Id = id, ClientId = id % 1000, Name = $"service-{id}", EndpointUrl = "https://example.com/health",
                Type = id % 2 == 0 ? MonitorTypes.Http : MonitorTypes.Tcp,
            };
            var status = (id % 4) switch { 0 or 1 => HealthStatus.Up, 2 => HealthStatus.Degraded, _ => HealthStatus.Down };
            var runtime = new ServiceRuntime(status, DateTimeOffset.UtcNow, (int)(id % 900) + 20, null) { TlsExpiresAt = id % 2 == 0 ? expires : null };
            gauges.Publish(config, runtime);
        }
    }

    /// <summary>One scrape, its body read and counted but kept only when <paramref name="keep"/> (the client's own allocations stay small).</summary>
    private static async Task<Scrape> ScrapeAsync(HttpClient http, bool keep = false)
    {
        var buffer = new byte[64 * 1024];
        var kept = keep ? new MemoryStream() : null;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        using var response = await http.GetAsync("/metrics", HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        long bytes = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            bytes += read;
            kept?.Write(buffer, 0, read);
        }

        var elapsed = clock.Elapsed;
        var used = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        return new Scrape(kept is null ? string.Empty : System.Text.Encoding.UTF8.GetString(kept.ToArray()), bytes, elapsed, used);
    }

    private static long Heap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static long Gzipped(string body)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(System.Text.Encoding.UTF8.GetBytes(body));
        }

        return buffer.Length;
    }

    private sealed record Scrape(string Body, long Bytes, TimeSpan Elapsed, long Allocated);
}
