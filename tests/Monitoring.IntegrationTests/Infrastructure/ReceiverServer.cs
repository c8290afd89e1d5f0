using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Monitoring.IntegrationTests.Infrastructure;

/// <summary>One request a receiver got: when, its headers and its body.</summary>
public sealed record ReceivedRequest(DateTimeOffset At, IReadOnlyDictionary<string, string> Headers, string Body, int AnsweredWith);

/// <summary>
/// A real notification receiver on 127.0.0.1 (webhook, Slack, Discord, Teams and PagerDuty channels all POST JSON).
/// Each <c>/r/{key}</c> records what it gets and answers as told: a status (200 unless set), optionally a
/// Retry-After, or no answer at all (<see cref="Hang"/>) until released.
/// </summary>
public sealed class ReceiverServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<ReceivedRequest>> received = new();
    private readonly ConcurrentDictionary<string, (int Status, int? RetryAfterSeconds)> answers = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> hangs = new();

    private ReceiverServer(WebApplication app) => this.app = app;

    public string BaseUrl { get; private set; } = string.Empty;

    public static async Task<ReceiverServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new ReceiverServer(app);
        app.MapPost("/r/{key}", server.ReceiveAsync);
        await app.StartAsync();
        server.BaseUrl = app.Urls.First();
        return server;
    }

    /// <summary>The URL of a fresh receiver key.</summary>
    public string Url(string key) => $"{BaseUrl}/r/{key}";

    /// <summary>From now on <paramref name="key"/> answers <paramref name="status"/> (with Retry-After when given).</summary>
    public void Answer(string key, int status, int? retryAfterSeconds = null)
    {
        answers[key] = (status, retryAfterSeconds);
        hangs.TryRemove(key, out var hang);
        hang?.TrySetResult();
    }

    /// <summary>From now on <paramref name="key"/> takes requests and never answers (until <see cref="Answer"/>).</summary>
    public void Hang(string key) => hangs[key] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<ReceivedRequest> Received(string key) => received.TryGetValue(key, out var queue) ? queue.ToArray() : [];

    /// <summary>The requests of <paramref name="key"/> that got a 2xx answer.</summary>
    public IReadOnlyList<ReceivedRequest> Accepted(string key) => Received(key).Where(r => r.AnsweredWith is >= 200 and < 300).ToList();

    public async ValueTask DisposeAsync()
    {
        foreach (var hang in hangs.Values)
        {
            hang.TrySetResult();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await app.StopAsync(timeout.Token);
        await app.DisposeAsync();
    }

    private async Task ReceiveAsync(HttpContext context, string key)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        if (hangs.TryGetValue(key, out var hang))
        {
            received.GetOrAdd(key, _ => new()).Enqueue(new ReceivedRequest(DateTimeOffset.UtcNow, headers, body, 0));
            await hang.Task.WaitAsync(context.RequestAborted);
            context.Abort();
            return;
        }

        var (status, retryAfter) = answers.GetValueOrDefault(key, (200, null));
        received.GetOrAdd(key, _ => new()).Enqueue(new ReceivedRequest(DateTimeOffset.UtcNow, headers, body, status));
        context.Response.StatusCode = status;
        if (retryAfter is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
