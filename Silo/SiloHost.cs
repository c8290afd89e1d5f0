using Monitoring.Grains;
using Monitoring.Sql;

namespace Monitoring.Silo;

/// <summary>Runs one silo until SIGTERM or Ctrl-C, then leaves the cluster gracefully.</summary>
public static class SiloHost
{
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        var database = DatabaseSettings.Read(builder.Configuration);
        var cluster = ClusterSettings.Read(builder.Configuration);
        builder.Services.AddMonitoringGrains(builder.Configuration, database);
        await SchemaState.EnsureMigratedAsync(database.ConnectionString);

        builder.UseOrleans(silo => silo.ConfigureMonitoringSilo(database, cluster, builder.Configuration));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(60));

        using var host = builder.Build();
        await host.RunAsync();
        return 0;
    }
}
