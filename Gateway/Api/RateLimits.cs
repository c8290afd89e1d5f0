using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Monitoring.Gateway.Auth;
using Monitoring.Gateway.Errors;
using Monitoring.Sql;

namespace Monitoring.Gateway.Api;

/// <summary>
/// The limits of operations.md, with ASP.NET Core's rate limiter, per gateway: manual checks per API key (default 60 a
/// minute, <c>RateLimit__ManualChecksPerMinute</c>; each starts an outbound request) and reports per heartbeat token
/// (default 10 a second, <c>RateLimit__PingsPerSecond</c>). Past a limit: a Feathers 429 with <c>Retry-After</c> (seconds).
/// </summary>
public static class RateLimits
{
    public const string Pings = "pings";
    public const string ManualChecks = "manual-checks";

    public static IServiceCollection AddMonitoringRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var pingsPerSecond = Positive(configuration, "RateLimit:PingsPerSecond", "RateLimit__PingsPerSecond", 10);
        var checksPerMinute = Positive(configuration, "RateLimit:ManualChecksPerMinute", "RateLimit__ManualChecksPerMinute", 60);
        return services.AddRateLimiter(options =>
        {
            options.AddPolicy(Pings, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Request.RouteValues["token"] as string ?? string.Empty,
                _ => new FixedWindowRateLimiterOptions { PermitLimit = pingsPerSecond, Window = TimeSpan.FromSeconds(1), QueueLimit = 0 }));

            // Per key, not per client: two admin keys are two callers. The key's digest, never the key, names the partition.
            options.AddPolicy(ManualChecks, context => RateLimitPartition.GetFixedWindowLimiter(
                context.User.FindFirst(ApiKeyAuthenticationHandler.KeyClaim)?.Value ?? string.Empty,
                _ => new FixedWindowRateLimiterOptions { PermitLimit = checksPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));

            options.OnRejected = async (context, _) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
                context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                var what = context.HttpContext.Request.Path.StartsWithSegments("/ping")
                    ? $"Too many reports for this token (at most {pingsPerSecond} a second)"
                    : $"Too many manual checks for this API key (at most {checksPerMinute} a minute)";
                await ErrorResults.WriteAsync(context.HttpContext, FeathersError.Of(429, $"{what}; try again in {retryAfter} s"));
            };
        });
    }

    private static int Positive(IConfiguration configuration, string key, string variable, int fallback)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new SettingException(variable, $"must be a positive whole number, not '{text}'");
    }
}
