using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Monitoring.Grains.Checking;
using Monitoring.Grains.History;
using Monitoring.IntegrationTests.Infrastructure;
using Npgsql;

namespace Monitoring.IntegrationTests.History;

/// <summary>Retention: old results go in small statements while new results keep being written.</summary>
public sealed class HistoryPrunerTests : FreshDatabaseTests
{
    [Fact]
    public async Task Results_older_than_the_retention_are_deleted_without_blocking_writers()
    {
        await Database.ExecuteAsync("""
            INSERT INTO service_status (service_id, client_id, status, response_time_ms, trigger, checked_at)
            SELECT i % 50, 1, 'up', 10, 'schedule', now() - interval '100 days' - make_interval(secs => i)
            FROM generate_series(1, 300000) i;
            INSERT INTO service_status (service_id, client_id, status, response_time_ms, trigger, checked_at)
            SELECT i % 50, 1, 'up', 10, 'schedule', now() - interval '80 days' - make_interval(secs => i)
            FROM generate_series(1, 1000) i;
            """);
        var options = Options.Create(new HistoryOptions { Retention = TimeSpan.FromDays(90), PruneBatchSize = 2000 });
        var pruner = new HistoryPruner(Database.DataSource, options, TimeProvider.System, NullLogger<HistoryPruner>.Instance);
        using var metrics = new HistoryMetrics();
        using var journal = new ResultJournal(Path.Combine(Path.GetTempPath(), $"journal-{Guid.NewGuid():N}"), 1 << 20);
        var writer = new StatusWriter(Database.DataSource, Options.Create(new HistoryOptions()), metrics, journal, NullLogger<StatusWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);

        // Act: prune, and write new results while it runs.
        var pruning = pruner.PruneAsync(DateTimeOffset.UtcNow - TimeSpan.FromDays(90), CancellationToken.None);
        var written = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => writer.WriteAsync(
            new StatusDraft(7, 1, new CheckResult(HealthStatus.Up, 200, 5, null, null, null), "schedule", DateTimeOffset.UtcNow))));
        var writesDoneWhilePruning = !pruning.IsCompleted;
        var deleted = await pruning;

        // Assert
        Assert.True(writesDoneWhilePruning, "the writes waited for the pruning to finish");
        Assert.Equal(100, written.Length);
        Assert.Equal(300_000L, deleted);
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM service_status WHERE checked_at < now() - interval '90 days'"));
        Assert.Equal(1100L, await Database.ScalarAsync<long>("SELECT count(*) FROM service_status"));
        await writer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_silo_skips_pruning_while_another_one_prunes()
    {
        await Database.ExecuteAsync("""
            INSERT INTO service_status (service_id, client_id, status, response_time_ms, trigger, checked_at)
            SELECT 1, 1, 'up', 10, 'schedule', now() - interval '100 days' - make_interval(secs => i) FROM generate_series(1, 10000) i;
            """);
        var pruner = new HistoryPruner(Database.DataSource, Options.Create(new HistoryOptions()), TimeProvider.System, NullLogger<HistoryPruner>.Instance);
        var cutoff = DateTimeOffset.UtcNow - TimeSpan.FromDays(90);

        // Another silo holds the pruning lock.
        await using (var other = await Database.DataSource.OpenConnectionAsync())
        {
            await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(7305511202612)", other))
            {
                await take.ExecuteNonQueryAsync();
            }

            Assert.Equal(0L, await pruner.PruneAsync(cutoff, CancellationToken.None));
            Assert.Equal(10_000L, await Database.ScalarAsync<long>("SELECT count(*) FROM service_status"));

            // The other silo is done.
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(7305511202612)", other);
            await release.ExecuteNonQueryAsync();
        }

        Assert.Equal(10_000L, await pruner.PruneAsync(cutoff, CancellationToken.None));
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM service_status"));
    }
}
