using Monitoring.Grains;
using Monitoring.Hosting;
using Monitoring.Sql;

namespace Monitoring.Silo;

/// <summary>Builds a silo host: Program.cs runs it until SIGTERM or Ctrl-C, tests start it in-process.</summary>
public static class SiloApp
{
    public static async Task<IHost> BuildAsync(string[] args, Action<IConfigurationBuilder>? configure = null, Action<ILoggingBuilder>? logging = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        configure?.Invoke(builder.Configuration);
        LogFormat.Apply(builder.Configuration);
        logging?.Invoke(builder.Logging);

        var database = DatabaseSettings.Read(builder.Configuration);
        var cluster = ClusterSettings.Read(builder.Configuration);
        builder.Configuration["History:JournalPath"] = JournalFolder(builder.Configuration, cluster);
        builder.Services.AddMonitoringGrains(builder.Configuration, database);
        await SchemaState.EnsureMigratedAsync(database.ConnectionString);

        builder.UseOrleans(silo => silo
            .UseMonitoringCluster(database, cluster, builder.Configuration)
            .AddMonitoringPersistence(database));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(60));
        builder.AddMonitoringTelemetry("monitoring-silo");
        return builder.Build();
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
