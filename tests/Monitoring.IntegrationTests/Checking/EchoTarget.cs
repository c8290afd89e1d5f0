using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Monitoring.IntegrationTests.Checking;

/// <summary>
/// A real HTTP (or, with a certificate, HTTPS) server on 127.0.0.1 for the request extras:
/// <c>/echo</c> (any method) answers {"status":"ok", method, body, content_type, authorization, headers, connection}
/// with the headers <c>X-Echo: yes</c> and <c>X-Multi: a, b</c>; <c>/redirect?status=302&amp;to=URL</c> (any method)
/// answers that status with that Location; <c>/chain/{n}</c> redirects (302, relative) to <c>/chain/{n-1}</c> down to
/// <c>/chain/0</c>, which answers 200.
/// </summary>
public sealed class EchoTarget : IAsyncDisposable
{
    private readonly WebApplication app;

    private EchoTarget(WebApplication app) => this.app = app;

    public string BaseUrl { get; private set; } = string.Empty;

    public static async Task<EchoTarget> StartAsync(X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        var app = builder.Build();
        var target = new EchoTarget(app);
        target.Map();
        await app.StartAsync();
        target.BaseUrl = app.Urls.First();
        return target;
    }

    public string Url(string pathAndQuery) => BaseUrl + pathAndQuery;

    public string Redirect(int status, string to) => Url($"/redirect?status={status}&to={WebUtility.UrlEncode(to)}");

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await app.StopAsync(timeout.Token);
        await app.DisposeAsync();
    }

    private void Map()
    {
        app.Map("/echo", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            context.Response.Headers["X-Echo"] = "yes";
            context.Response.Headers.Append("X-Multi", "a");
            context.Response.Headers.Append("X-Multi", "b");
            await context.Response.WriteAsJsonAsync(new
            {
                status = "ok",
                method = context.Request.Method,
                body,
                content_type = context.Request.ContentType,
                authorization = context.Request.Headers.Authorization.FirstOrDefault(),
                headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
                connection = context.Connection.Id,
            });
        });
        app.Map("/redirect", (HttpContext context) =>
        {
            context.Response.StatusCode = int.Parse(context.Request.Query["status"].ToString(), System.Globalization.CultureInfo.InvariantCulture);
            context.Response.Headers.Location = context.Request.Query["to"].ToString();
        });
        app.MapGet("/chain/{n:int}", (int n, HttpContext context) =>
        {
            if (n == 0)
            {
                return Results.Json(new { status = "ok" });
            }

            context.Response.Headers.Location = $"/chain/{n - 1}";
            return Results.StatusCode(302);
        });
    }
}
