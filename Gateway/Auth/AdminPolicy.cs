using Microsoft.AspNetCore.Authorization;

namespace Monitoring.Gateway.Auth;

/// <summary>The authorization policy of what only an admin key (one not scoped to a client) may reach: the Orleans dashboard.</summary>
public static class AdminPolicy
{
    public const string Name = "admin";

    /// <summary>Registers <see cref="Name"/>: an authenticated key without a client scope; a scoped key is answered 403.</summary>
    public static AuthorizationBuilder AddAdminPolicy(this AuthorizationBuilder authorization) =>
        authorization.AddPolicy(Name, policy => policy
            .RequireAuthenticatedUser()
            .RequireAssertion(context => CallerScope.ClientId(context.User) is null));
}
