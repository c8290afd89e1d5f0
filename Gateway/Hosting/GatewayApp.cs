using Microsoft.AspNetCore.Authentication;
using Monitoring.Gateway.Api;
using Monitoring.Gateway.Auth;
using Monitoring.Gateway.Description;
using Monitoring.Gateway.Errors;
using Monitoring.Gateway.Feed;
using Monitoring.Gateway.Health;
using Monitoring.Gateway.Badges;
using Monitoring.Gateway.Json;
using Monitoring.Gateway.StatusPages;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Monitoring.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Monitoring.Sql;
using Npgsql;

namespace Monitoring.Gateway.Hosting;

/// <summary>Builds the gateway: Program.cs runs it, tests start it on a free port.</summary>
public static class GatewayApp
{
    public const long MaxRequestBodyBytes = 100 * 1024;

    public static async Task<WebApplication> BuildAsync(string[] args, Action<IConfigurationBuilder>? configure = null, Action<ILoggingBuilder>? logging = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        configure?.Invoke(builder.Configuration);
        LogFormat.Apply(builder.Configuration);
        logging?.Invoke(builder.Logging);

        // ASP.NET Core's request lines (Information) carry the path, and a ping's path carries its token, a secret: no
        // provider gets them, whatever the configuration says (a rule per provider outranks a provider's general rule).
        builder.Services.PostConfigure<LoggerFilterOptions>(options =>
        {
            const string RequestLines = "Microsoft.AspNetCore.Hosting.Diagnostics";
            foreach (var provider in options.Rules.Select(r => r.ProviderName).Append(null).Distinct().ToList())
            {
                options.Rules.Add(new LoggerFilterRule(provider, RequestLines, LogLevel.Warning, null));
            }
        });

        var settings = GatewaySettings.Read(builder.Configuration);
        await SchemaState.EnsureMigratedAsync(settings.Database.ConnectionString);

        builder.WebHost.UseUrls(settings.Url);
        builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(settings.Database.ConnectionString));
        builder.Services.AddMonitoringHealthChecks();
        builder.Services.AddSingleton<ClusterReadiness>();
        builder.Services.AddSingleton<ApiKeyStore>();
        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder().AddAdminPolicy().AddFeedPolicy();
        builder.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationHandler, FeedPolicy.Handler>();
        builder.Services.AddSignalR(o =>
            {
                o.MaximumReceiveMessageSize = 16 * 1024;
                o.EnableDetailedErrors = false;
            })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.TypeInfoResolverChain.Insert(0, ApiJson.Context));
        builder.Services.AddOptions<FeedOptions>().BindConfiguration("Feed")
            .Validate(o => o.ConnectionQueueCapacity > 0, "Feed:ConnectionQueueCapacity must be positive")
            .ValidateOnStart();
        builder.Services.AddSingleton<FeedConnections>();
        builder.Services.AddOptions<StatusPageOptions>().BindConfiguration("StatusPages")
            .Validate(o => o.CacheSeconds >= 0 && o.FreshSeconds >= 0 && o.MaxPages > 0, "StatusPages: CacheSeconds and FreshSeconds must be 0 or more, MaxPages positive")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<StatusPageCache>();
        builder.Services.AddSingleton<HiddenServices>();
        builder.Services.AddSingleton(services => new HtmlRenderer(services, services.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddHostedService<FeedRegistration>();
        builder.AddMonitoringClusterClient(settings);
        builder.AddMonitoringTelemetry(
            "monitoring-gateway",
            metrics: meters => meters.AddAspNetCoreInstrumentation(),
            // A ping's path holds its token, a secret: reports are not traced.
            tracing: traces => traces.AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/ping")));
        builder.Services.AddSingleton<PingUrls>();
        builder.Services.AddSingleton<ServiceHistoryPages>();
        builder.Services.AddMonitoringRateLimits(builder.Configuration);
        builder.Services.AddApiDescription();

        var app = builder.Build();
        app.UseMiddleware<FeathersErrorMiddleware>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<ClusterReadiness>();
        app.UseRateLimiter();
        app.UseOutputCache();
        app.MapHealthApi();
        app.MapPingApi();
        app.MapClientsApi();
        app.MapClientServicesApi();
        app.MapServiceStatusApi();
        app.MapUptimeApi();
        app.MapIncidentsApi();
        app.MapAlertChannelsApi();
        app.MapAlertDeliveriesApi();
        app.MapMaintenanceWindowsApi();
        app.MapStatusPagesApi();
        app.MapStatusPageViews();
        app.MapBadges();
        app.MapHub<FeedHub>("/hub", o => o.TransportMaxBufferSize = 64 * 1024);
        app.MapBareEndpointIfEnabled(app.Configuration);
        app.MapApiDescription();
        if (DashboardSetting.Enabled(app.Configuration))
        {
            app.MapDashboard();
        }
        app.MapMonitoringMetrics(MetricsSettings.Read(app.Configuration).Key,
            context => ErrorResults.WriteAsync(context, FeathersError.Of(401, "Not authenticated: send METRICS_KEY as 'Authorization: Bearer <key>'")));
        return app;
    }
}
