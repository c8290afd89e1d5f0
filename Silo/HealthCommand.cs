using Monitoring.Sql;
using Npgsql;

namespace Monitoring.Silo;

/// <summary>
/// <c>health</c>: exits 0 when this host's silo (SILO_ADVERTISED_IP and SILO_PORT) is active in the
/// membership table; for container health checks.
/// </summary>
public static class HealthCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args)
            .Build();
        var database = DatabaseSettings.Read(configuration);
        var cluster = ClusterSettings.Read(configuration);

        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = $1 AND address = $2 AND port = $3 AND status = 3", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = cluster.ClusterId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = cluster.AdvertisedIp.ToString() });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = cluster.SiloPort });
        var active = (long)(await command.ExecuteScalarAsync())! > 0;
        Console.WriteLine(active ? "silo is active" : "silo is not active in the cluster");
        return active ? 0 : 1;
    }
}
