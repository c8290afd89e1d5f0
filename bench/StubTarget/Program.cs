// A minimal target for load: /health answers {"status":"healthy"}; /slow?ms=N after N ms; /fail with 503.
// Listens on 127.0.0.1 only (STUB_PORT, default 18080).
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.UseUrls($"http://127.0.0.1:{Environment.GetEnvironmentVariable("STUB_PORT") ?? "18080"}");
var app = builder.Build();

var healthy = "{\"status\":\"healthy\"}"u8.ToArray();
app.MapGet("/health", () => Results.Bytes(healthy, "application/json"));
app.MapGet("/slow", async (int ms) =>
{
    await Task.Delay(ms);
    return Results.Bytes(healthy, "application/json");
});
app.MapGet("/fail", () => Results.Json(new { status = "unhealthy" }, statusCode: 503));
app.Run();
