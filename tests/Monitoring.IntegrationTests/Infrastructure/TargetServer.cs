using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Monitoring.IntegrationTests.Infrastructure;

/// <summary>
/// A real HTTP server on 127.0.0.1 to check against. The path says how to answer:
/// <c>/reply?status=503&amp;body=...&amp;delay=ms</c>, <c>/hang</c>, <c>/huge</c>, <c>/redirect</c>, <c>/hit/{key}[?delay=ms]</c>
/// (counts and echoes the Authorization header).
/// </summary>
public sealed class TargetServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, int> hits = new();
    private readonly ConcurrentQueue<string?> authorizations = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<DateTimeOffset>> hitTimes = new();
    private readonly ConcurrentDictionary<string, string[]> headerNames = new();
    private readonly ConcurrentDictionary<string, int> numbers = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<(int Number, DateTimeOffset AnsweredAt)>> answers = new();

    private TargetServer(WebApplication app)
    {
        this.app = app;
    }

    public string BaseUrl { get; private set; } = string.Empty;

    public IReadOnlyCollection<string?> Authorizations => authorizations;

    public static async Task<TargetServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new TargetServer(app);
        server.Map();
        await app.StartAsync();
        server.BaseUrl = app.Urls.First();
        return server;
    }

    public string Url(string pathAndQuery) => BaseUrl + pathAndQuery;

    public string Reply(int status, string? body = null, int delayMs = 0, string contentType = "application/json") =>
        Url($"/reply?status={status}&delay={delayMs}&type={WebUtility.UrlEncode(contentType)}" + (body is null ? string.Empty : $"&body={WebUtility.UrlEncode(body)}"));

    public int Hits(string key) => hits.GetValueOrDefault(key);

    /// <summary>The header names of the last request of <c>/hit/{key}</c>.</summary>
    public IReadOnlyList<string> HeaderNames(string key) => headerNames.GetValueOrDefault(key) ?? [];

    /// <summary>When each request of <c>/hit/{key}</c> arrived.</summary>
    public IReadOnlyList<DateTimeOffset> HitTimes(string key) => hitTimes.TryGetValue(key, out var times) ? times.ToArray() : [];

    /// <summary>
    /// The answers of <c>/numbered/{key}</c>: each request's number (1, 2, …; the healthy answer carries it as
    /// <c>checks.request.number</c>, which a stored result keeps in <c>details</c>) and when its answer was sent.
    /// </summary>
    public IReadOnlyList<(int Number, DateTimeOffset AnsweredAt)> Answers(string key) => answers.TryGetValue(key, out var sent) ? sent.ToArray() : [];

    /// <summary>A URL answering exactly <paramref name="body"/>, with the Content-Encoding and Content-Type given.</summary>
    public string Bytes(byte[] body, int status = 200, string? encoding = null, string contentType = "application/json") =>
        Url($"/bytes?b64={WebUtility.UrlEncode(Convert.ToBase64String(body))}&status={status}&type={WebUtility.UrlEncode(contentType)}"
            + (encoding is null ? string.Empty : $"&encoding={WebUtility.UrlEncode(encoding)}"));

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await app.StopAsync(timeout.Token);
        await app.DisposeAsync();
    }

    private void Map()
    {
        app.MapMethods("/reply", ["GET", "HEAD"], async (HttpContext context, int status, int? delay, string? body, string? type) =>
        {
            if (delay is > 0)
            {
                await Task.Delay(delay.Value, context.RequestAborted);
            }

            context.Response.StatusCode = status;
            if (body is not null)
            {
                context.Response.ContentType = type ?? "application/json";
                await context.Response.WriteAsync(body);
            }
        });
        app.MapGet("/bytes", async (HttpContext context, string b64, int? status, string? encoding, string? type) =>
        {
            // Raw bytes as they are, with whatever Content-Encoding the test claims (true or not).
            context.Response.StatusCode = status ?? 200;
            context.Response.ContentType = type ?? "application/json";
            if (encoding is not null)
            {
                context.Response.Headers.ContentEncoding = encoding;
            }

            await context.Response.Body.WriteAsync(Convert.FromBase64String(b64));
        });
        app.MapGet("/hang", async (HttpContext context) => await Task.Delay(Timeout.Infinite, context.RequestAborted));
        app.MapGet("/hang/{key}", async (string key, HttpContext context) =>
        {
            hits.AddOrUpdate(key, 1, (_, n) => n + 1);
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });
        app.MapGet("/huge", async (HttpContext context) =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"status\":\"down\",\"padding\":\"");
            var chunk = new string('x', 64 * 1024);
            for (var i = 0; i < 32; i++)
            {
                await context.Response.WriteAsync(chunk);
            }

            await context.Response.WriteAsync("\"}");
        });
        app.MapGet("/big-checks", () => Results.Json(new
        {
            status = "ok",
            checks = Enumerable.Range(0, 300).ToDictionary(i => $"dependency-{i:000}", _ => new { status = "up", note = new string('n', 20) }),
        }));
        app.MapGet("/redirect", (HttpContext context) =>
        {
            context.Response.StatusCode = 302;
            context.Response.Headers.Location = "/reply?status=200";
        });
        app.MapGet("/numbered/{key}", async (string key, HttpContext context) =>
        {
            var number = numbers.AddOrUpdate(key, 1, (_, n) => n + 1);
            await context.Response.WriteAsJsonAsync(new { status = "healthy", checks = new { request = new { status = "up", number } } });
            await context.Response.CompleteAsync();
            answers.GetOrAdd(key, _ => new ConcurrentQueue<(int, DateTimeOffset)>()).Enqueue((number, DateTimeOffset.UtcNow));
        });
        app.MapMethods("/hit/{key}", ["GET", "HEAD"], async (string key, int? delay, HttpContext context) =>
        {
            hits.AddOrUpdate(key, 1, (_, n) => n + 1);
            hitTimes.GetOrAdd(key, _ => new ConcurrentQueue<DateTimeOffset>()).Enqueue(DateTimeOffset.UtcNow);
            headerNames[key] = context.Request.Headers.Keys.Select(h => h.ToLowerInvariant()).ToArray();
            authorizations.Enqueue(context.Request.Headers.Authorization.FirstOrDefault());
            if (delay is > 0)
            {
                // Answers after the arrival is recorded: HitTimes shows when each request came in.
                await Task.Delay(delay.Value, context.RequestAborted);
            }

            return Results.Json(new { status = "healthy" });
        });
    }
}
