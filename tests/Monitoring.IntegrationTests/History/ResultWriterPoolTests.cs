using Microsoft.Extensions.DependencyInjection;
using Monitoring.Grains.History;
using Monitoring.IntegrationTests.Infrastructure;
using Npgsql;

namespace Monitoring.IntegrationTests.History;

/// <summary>The result writer has a pool of its own: grains that take every shared connection do not hold results back.</summary>
public sealed class ResultWriterPoolTests
{
    [Fact]
    public async Task Results_are_stored_while_the_shared_pool_is_exhausted_and_never_go_to_the_journal()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var target = await TargetServer.StartAsync();
        await using var fleet = await InProcessFleet.StartAsync(database);
        using var http = fleet.Http();
        var client = await http.CreateClientAsync();
        var service = (await http.CreateServiceAsync(client, target.Url("/hit/pool"), new { cron_schedule = "* * * * * *" })).GetProperty("id").GetInt64();
        await Eventually.IsTrueAsync(async () => await database.ScalarAsync<long>("SELECT count(*) FROM service_status WHERE service_id = $1", service) >= 2,
            TimeSpan.FromSeconds(30), "checks stored before the shared pool is taken");
        var services = fleet.Silos[0].Services;
        var shared = services.GetRequiredService<NpgsqlDataSource>();
        var writer = services.GetRequiredService<StatusWriter>();

        // Act: every connection of the silo's shared pool is held (as a storm of activations holds them) for 8 s,
        // longer than the 5 s after which the writer takes PostgreSQL for away.
        var held = new List<NpgsqlConnection>();
        var maxPoolSize = new NpgsqlConnectionStringBuilder(shared.ConnectionString).MaxPoolSize;
        for (var i = 0; i < maxPoolSize; i++)
        {
            held.Add(await shared.OpenConnectionAsync());
        }

        var heldFrom = DateTimeOffset.UtcNow;
        var journaled = false;
        var until = DateTime.UtcNow.AddSeconds(8);
        while (DateTime.UtcNow < until)
        {
            journaled |= writer.JournalBytes > 0;
            await Task.Delay(100);
        }

        var storedMeanwhile = await database.ScalarAsync<long>("SELECT count(*) FROM service_status WHERE service_id = $1 AND checked_at > $2", service, heldFrom);
        foreach (var connection in held)
        {
            await connection.DisposeAsync();
        }

        // Assert: the checks of those 8 s were stored as they came, none through the journal.
        Assert.False(journaled, "results went to the journal while only the shared pool was exhausted");
        Assert.True(storedMeanwhile >= 5, $"only {storedMeanwhile} results stored while the shared pool was held");
    }
}
