using System.Security.Claims;

namespace Monitoring.Gateway.Auth;

/// <summary>The client a request's key is scoped to, or null for an admin key.</summary>
public static class CallerScope
{
    public static long? ClientId(ClaimsPrincipal user) =>
        user.FindFirst(ApiKeyAuthenticationHandler.ClientClaim)?.Value is { } value ? long.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : null;
}
