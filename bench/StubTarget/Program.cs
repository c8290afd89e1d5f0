// A minimal target for load: /health answers {"status":"healthy"}; /slow?ms=N after N ms; /fail with 503;
// /switch/{group} answers healthy or 503 as POST /switch/{group}?down=true|false last set it.
// It is also a notification receiver for the alerts scenario: POST /receive takes a delivery (200) and
// GET /received says how many arrived, how many distinct webhook-ids, and when the first and last came.
// Listens on 127.0.0.1 only (STUB_PORT, default 18080).
using System.Collections.Concurrent;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.UseUrls($"http://127.0.0.1:{Environment.GetEnvironmentVariable("STUB_PORT") ?? "18080"}");

// TCP checks open a new connection each (HTTP checks reuse pooled ones): thousands a second arrive at once, and
// Kestrel's default accept queue (512) would drop SYNs, which the kernel retries after a second.
builder.WebHost.UseSockets(sockets => sockets.Backlog = 4096);
var app = builder.Build();

var healthy = "{\"status\":\"healthy\"}"u8.ToArray();
var down = new ConcurrentDictionary<string, bool>();
var received = new ConcurrentDictionary<string, DateTimeOffset>();
long receivedCount = 0;
long firstTicks = long.MaxValue, lastTicks = 0;

app.MapGet("/health", () => Results.Bytes(healthy, "application/json"));
app.MapGet("/slow", async (int ms) =>
{
    await Task.Delay(ms);
    return Results.Bytes(healthy, "application/json");
});
app.MapGet("/fail", () => Results.Json(new { status = "unhealthy" }, statusCode: 503));
app.MapGet("/switch/{group}", (string group) =>
    down.GetValueOrDefault(group) ? Results.Text("{\"status\":\"unhealthy\"}", "application/json", statusCode: 503) : Results.Bytes(healthy, "application/json"));
app.MapPost("/switch/{group}", (string group, bool isDown) =>
{
    down[group] = isDown;
    return Results.Ok(new { group, down = isDown });
});
app.MapPost("/receive", (HttpRequest request) =>
{
    var now = DateTimeOffset.UtcNow;
    received.TryAdd(request.Headers["webhook-id"].ToString(), now);
    Interlocked.Increment(ref receivedCount);
    InterlockedMin(ref firstTicks, now.UtcTicks);
    InterlockedMax(ref lastTicks, now.UtcTicks);
    return Results.Ok();
});
app.MapGet("/received", () => Results.Json(new
{
    count = Interlocked.Read(ref receivedCount),
    distinct = received.Count,
    first = receivedCount == 0 ? (DateTimeOffset?)null : new DateTimeOffset(Interlocked.Read(ref firstTicks), TimeSpan.Zero),
    last = receivedCount == 0 ? (DateTimeOffset?)null : new DateTimeOffset(Interlocked.Read(ref lastTicks), TimeSpan.Zero),
}));
app.MapPost("/received/reset", () =>
{
    received.Clear();
    Interlocked.Exchange(ref receivedCount, 0);
    Interlocked.Exchange(ref firstTicks, long.MaxValue);
    Interlocked.Exchange(ref lastTicks, 0);
    return Results.Ok();
});
app.Run();

static void InterlockedMin(ref long target, long value)
{
    long seen;
    while (value < (seen = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
    {
    }
}

static void InterlockedMax(ref long target, long value)
{
    long seen;
    while (value > (seen = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
    {
    }
}
