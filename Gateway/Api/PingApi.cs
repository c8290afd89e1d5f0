using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Monitoring.Gateway.Description;
using Monitoring.Gateway.Errors;
using Monitoring.Grains.Interfaces;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Gateway.Api;

/// <summary>
/// <c>/ping/{token}</c> (monitors.md, "heartbeat"): where jobs report, on every gateway, without an API key (the token is
/// the secret). <c>GET</c>, <c>POST</c> or <c>HEAD</c>; <c>/start</c>, <c>/fail</c> and <c>/{exit status}</c> after the
/// token. Limited per token (operations.md: 10 a second, <c>RateLimit__PingsPerSecond</c>). The token is hashed here and
/// only its hash travels on; it is never logged (<see cref="Redact"/>).
/// </summary>
public static class PingApi
{
    /// <summary>The largest body a report may carry (larger: 413).</summary>
    public const int MaxBodyBytes = 100 * 1024;

    /// <summary>
    /// A body up to this size is read to its end before a 413 (a server that answers while the client still sends makes
    /// the client's TCP stack drop the answer); a larger one is refused at once.
    /// </summary>
    public const int DrainedBodyBytes = 1024 * 1024;

    /// <summary>How much of a /fail body is kept for the error.</summary>
    public const int KeptBodyBytes = 1024;

    private static readonly string[] Methods = ["GET", "POST", "HEAD"];

    public static IEndpointRouteBuilder MapPingApi(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/ping/{token}", Methods, (string token, HttpContext context, IGrainFactory grains) => ReportAsync(token, null, context, grains))
            .AllowAnonymous().RequireRateLimiting(RateLimits.Pings).DescribePing();
        app.MapMethods("/ping/{token}/{action}", Methods, (string token, string action, HttpContext context, IGrainFactory grains) => ReportAsync(token, action, context, grains))
            .AllowAnonymous().RequireRateLimiting(RateLimits.Pings).DescribePing();
        return app;
    }

    /// <summary>The path as it may be logged: a ping's token replaced by <c>{token}</c>.</summary>
    public static string Redact(PathString path) =>
        path.StartsWithSegments("/ping", out var rest) && rest.HasValue
            ? "/ping/{token}" + (rest.Value!.IndexOf('/', 1) is var slash and > 0 ? rest.Value[slash..] : string.Empty)
            : path.Value ?? string.Empty;

    private static async Task<IResult> ReportAsync(string token, string? action, HttpContext context, IGrainFactory grains)
    {
        if (!TryReadAction(action, out var kind, out var exitStatus, out var actionError))
        {
            return actionError!;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = DrainedBodyBytes;
        }

        if (context.Request.ContentLength > DrainedBodyBytes)
        {
            context.Response.Headers.Connection = "close";
            return ErrorResults.Error(413, $"Request body too large (a report may carry at most {MaxBodyBytes / 1024} KiB)");
        }

        var (body, tooLarge) = await ReadBodyAsync(context.Request, context.RequestAborted);
        if (tooLarge)
        {
            return ErrorResults.Error(413, $"Request body too large (a report may carry at most {MaxBodyBytes / 1024} KiB)");
        }

        if (!PingToken.LooksLikeToken(token))
        {
            return UnknownToken();
        }

        var hash = PingToken.Hash(token);
        if (await grains.GetGrain<IHeartbeatTokensGrain>(0).FindServiceAsync(hash) is not { } serviceId)
        {
            return UnknownToken();
        }

        var bodyText = kind == PingKind.Start || body.Length == 0 ? null : Text(body);
        var outcome = await grains.GetGrain<IServiceMonitorGrain>(serviceId).ReportPingAsync(new PingReport(hash, kind, exitStatus, bodyText));
        if (outcome.Failure is { } failure)
        {
            return failure.Kind == FailureKind.NotFound ? UnknownToken() : ErrorResults.From(failure);
        }

        return Results.Text("OK", "text/plain; charset=utf-8", Encoding.UTF8, StatusCodes.Status200OK);
    }

    private static bool TryReadAction(string? action, out PingKind kind, out int? exitStatus, out IResult? error)
    {
        kind = PingKind.Success;
        exitStatus = null;
        error = null;
        switch (action)
        {
            case null:
                return true;
            case "start":
                kind = PingKind.Start;
                return true;
            case "fail":
                kind = PingKind.Fail;
                return true;
        }

        if (action.Length is > 0 and <= 3 && action.All(char.IsAsciiDigit) && int.Parse(action, CultureInfo.InvariantCulture) is var status and <= 255)
        {
            exitStatus = status;
            kind = status == 0 ? PingKind.Success : PingKind.Fail;
            return true;
        }

        error = action.TrimStart('-', '+').All(char.IsAsciiDigit) && action.Length > 0
            ? ErrorResults.BadRequest($"An exit status is a number from 0 to 255, not {(action.Length <= 10 ? action : action[..10] + "…")}")
            : ErrorResults.Error(404, "Page not found: a report is /ping/{token}, /ping/{token}/start, /ping/{token}/fail or /ping/{token}/{exit status 0-255}");
        return false;
    }

    /// <summary>Reads the whole body, keeping its first <see cref="KeptBodyBytes"/>; true in the second item when it passed the limit.</summary>
    private static async Task<(byte[] Kept, bool TooLarge)> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var kept = new byte[KeptBodyBytes];
        var scratch = new byte[16 * 1024];
        var total = 0L;
        int read;
        while ((read = await request.Body.ReadAsync(scratch, cancellationToken)) > 0)
        {
            if (total < KeptBodyBytes)
            {
                scratch.AsSpan(0, (int)Math.Min(read, KeptBodyBytes - total)).CopyTo(kept.AsSpan((int)total));
            }

            total += read;
        }

        return total > MaxBodyBytes ? ([], true) : (kept[..(int)Math.Min(total, KeptBodyBytes)], false);
    }

    /// <summary>The kept bytes as text (UTF-8; a character cut at the 1 KiB edge or invalid bytes become U+FFFD; NULs are dropped).</summary>
    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes).Replace("\0", string.Empty, StringComparison.Ordinal);

    private static IResult UnknownToken() => ErrorResults.Error(404, "Unknown ping token");
}
