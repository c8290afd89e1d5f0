using Microsoft.AspNetCore.Authorization;
using Monitoring.Gateway.StatusPages;

namespace Monitoring.Gateway.Feed;

/// <summary>
/// Who may open a hub connection: an API key, as api.md says, or a status page's visitor without one, naming a public
/// page in the query (<c>/hub?status_page={slug}</c>); such a connection gets only that page's services' events
/// (see <see cref="FeedHub"/>). Anyone else is answered 401 at negotiation.
/// </summary>
public static class FeedPolicy
{
    public const string Name = "feed";

    /// <summary>The query parameter that makes a hub connection a status page's.</summary>
    public const string PageParameter = "status_page";

    public static AuthorizationBuilder AddFeedPolicy(this AuthorizationBuilder authorization) =>
        authorization.AddPolicy(Name, policy => policy.AddRequirements(new KeyOrPublicPage()));

    /// <summary>Met by an authenticated key, or by <c>?status_page=</c> naming a public page.</summary>
    public sealed class KeyOrPublicPage : IAuthorizationRequirement;

    public sealed class Handler(StatusPageCache pages) : AuthorizationHandler<KeyOrPublicPage>
    {
        protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, KeyOrPublicPage requirement)
        {
            if (context.User.Identity?.IsAuthenticated == true)
            {
                context.Succeed(requirement);
            }
            else if (context.Resource is HttpContext http && http.Request.Query[PageParameter].ToString() is { Length: > 0 } slug
                && await pages.GetAsync(slug) is { Public: true })
            {
                context.Succeed(requirement);
            }
        }
    }
}
