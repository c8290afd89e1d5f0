using Monitoring.Grains.Interfaces;
using Monitoring.Sql;
using Npgsql;
using Monitoring.Hosting;

namespace Monitoring.Silo;

/// <summary>
/// <c>reencrypt-credentials</c>: after a key rotation (silos running with the new ENCRYPTION_KEY and the old
/// one as ENCRYPTION_KEY_PREVIOUS), asks every service that stores a password, and every alert channel that stores
/// a secret (signing secret, routing key, chat URL), to re-encrypt it under the current key. It goes through the
/// grains, the writers of those rows, as a cluster client.
/// </summary>
public static class ReencryptCommand
{
    public static async Task<int> RunAsync(string[] args, Action<IConfigurationBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
        configure?.Invoke(builder.Configuration);
        var database = DatabaseSettings.Read(builder.Configuration);
        var cluster = ClusterSettings.Read(builder.Configuration);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(client => client.UseMonitoringCluster(database, cluster.Fleet, builder.Configuration));

        using var host = builder.Build();
        await host.StartAsync();
        var grains = host.Services.GetRequiredService<IClusterClient>();

        var ids = new List<long>();
        await using (var dataSource = NpgsqlDataSource.Create(database.ConnectionString))
        await using (var command = dataSource.CreateCommand("SELECT id FROM client_services WHERE basic_auth_password IS NOT NULL OR ping_token_ciphertext IS NOT NULL ORDER BY id"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                ids.Add(reader.GetInt64(0));
            }
        }

        var rotated = 0;
        foreach (var chunk in ids.Chunk(32))
        {
            var results = await Task.WhenAll(chunk.Select(id => grains.GetGrain<IServiceMonitorGrain>(id).ReencryptCredentialsAsync()));
            rotated += results.Count(changed => changed);
        }

        long[] channelIds;
        await using (var dataSource = NpgsqlDataSource.Create(database.ConnectionString))
        {
            channelIds = await new Monitoring.Grains.Alerting.ChannelStore(dataSource).WithSecretsAsync();
        }

        var channels = grains.GetGrain<IAlertChannelsGrain>(0);
        var rotatedChannels = 0;
        foreach (var chunk in channelIds.Chunk(32))
        {
            var results = await Task.WhenAll(chunk.Select(channels.ReencryptAsync));
            rotatedChannels += results.Count(changed => changed);
        }

        Console.WriteLine($"re-encrypted {rotated} of {ids.Count} stored password(s) and {rotatedChannels} of {channelIds.Length} alert channel(s) with secrets under the current ENCRYPTION_KEY");
        await host.StopAsync();
        return 0;
    }
}
