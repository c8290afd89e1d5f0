using Microsoft.AspNetCore.Hosting;
using Monitoring.Grains;
using Monitoring.Hosting;
using Monitoring.Sql;
using Orleans.Dashboard;

namespace Monitoring.Silo;

/// <summary>
/// Builds a silo host: Program.cs runs it until SIGTERM or Ctrl-C, tests start it in-process. Besides Orleans, it serves
/// <c>/metrics</c> with a small Kestrel endpoint on METRICS_PORT, bound to HOST (loopback unless set).
/// </summary>
public static class SiloApp
{
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

        var database = DatabaseSettings.Read(builder.Configuration);
        var cluster = ClusterSettings.Read(builder.Configuration);
        var metrics = MetricsSettings.Read(builder.Configuration);
        var seriesLimit = SiloMetrics.MaxServiceSeries(builder.Configuration);
        builder.Configuration["History:JournalPath"] = JournalFolder(builder.Configuration, cluster);
        builder.Services.AddMonitoringGrains(builder.Configuration, database);
        await SchemaState.EnsureMigratedAsync(database.ConnectionString);

        var dashboard = DashboardSetting.Enabled(builder.Configuration);
        builder.UseOrleans(silo =>
        {
            silo.UseMonitoringCluster(database, cluster, builder.Configuration).AddMonitoringPersistence(database);
            if (dashboard)
            {
                // The dashboard's grains and call profiler; the gateway serves its pages (under /dashboard, to admin keys).
                silo.AddDashboard();
            }
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(60));
        builder.WebHost.UseUrls(SiloMetrics.Url(builder.Configuration, metrics));
        builder.AddMonitoringTelemetry("monitoring-silo", metrics: meters => meters.AddServiceSeriesLimit(seriesLimit));

        var app = builder.Build();
        app.MapMonitoringMetrics(metrics.Key);
        return app;
    }

    /// <summary>
    /// RESULTS_JOURNAL_DIR (default: the user's local application data, monitoring/journal), one subfolder per
    /// silo port, so silos sharing a machine keep their journals apart and a silo restarted on its port finds its own.
    /// </summary>
    private static string JournalFolder(IConfiguration configuration, ClusterSettings cluster)
    {
        var root = configuration["RESULTS_JOURNAL_DIR"] is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "monitoring", "journal");
        return Path.Combine(Path.GetFullPath(root), $"silo-{cluster.SiloPort}");
    }
}
