using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Monitoring.Gateway.Errors;
using Monitoring.Gateway.Hosting;

namespace Monitoring.Gateway.Auth;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;key&gt;</c>, <c>X-Api-Key: &lt;key&gt;</c>, for the hub the
/// <c>access_token</c> query parameter that SignalR clients send with websockets (and status pages take), and for the dashboard the key as the
/// password of HTTP Basic (what a browser can send; it asks for it after the Basic challenge). A scoped key carries its
/// client id as a claim. Failures answer with a Feathers NotAuthenticated error.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyStore keys) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string ClientClaim = "client_id";

    /// <summary>A short digest of the key (the first 16 hex digits of its SHA-256): tells keys apart, as rate limits do, without holding the key.</summary>
    public const string KeyClaim = "key_id";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // A scrape presents METRICS_KEY, not an API key: /metrics checks it itself.
        var presented = Request.Path.StartsWithSegments(Monitoring.Hosting.MetricsEndpoint.Path) ? null : PresentedKey();
        if (presented is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (keys.Find(presented) is not { } key)
        {
            return Task.FromResult(AuthenticateResult.Fail("Invalid API key"));
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, key.ToString()),
            new(KeyClaim, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key.Value)))[..16]),
        };
        if (key.ClientId is { } clientId)
        {
            claims.Add(new Claim(ClientClaim, clientId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var message = PresentedKey() is null
            ? "Not authenticated: send an API key as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'"
            : "Invalid API key";
        Response.Headers.WWWAuthenticate = DashboardEndpoints.Covers(Request.Path) ? "Basic realm=\"Orleans dashboard\", charset=\"UTF-8\"" : "Bearer";
        return ErrorResults.WriteAsync(Context, FeathersError.Of(401, message));
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ErrorResults.WriteAsync(Context, FeathersError.Of(403, "This API key may not do that"));

    private string? PresentedKey()
    {
        var authorization = Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        if (Request.Headers.TryGetValue("X-Api-Key", out var header) && header.ToString() is { Length: > 0 } value)
        {
            return value.Trim();
        }

        // SignalR clients send the key in the query; a status page that needs a key takes it there too (a link).
        if ((Request.Path.StartsWithSegments("/hub") || Request.Path.StartsWithSegments("/status")) && Request.Query.TryGetValue("access_token", out var token) && token.ToString() is { Length: > 0 } queryToken)
        {
            return queryToken;
        }

        if (DashboardEndpoints.Covers(Request.Path) && authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return BasicPassword(authorization["Basic ".Length..].Trim());
        }

        return null;
    }

    /// <summary>The password of HTTP Basic credentials (<c>base64(user:password)</c>; the user is ignored), or null when malformed.</summary>
    private static string? BasicPassword(string credentials)
    {
        var bytes = new byte[credentials.Length];
        if (!Convert.TryFromBase64String(credentials, bytes, out var length))
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(bytes, 0, length);
        var separator = text.IndexOf(':');
        return separator >= 0 && separator < text.Length - 1 ? text[(separator + 1)..] : null;
    }
}
