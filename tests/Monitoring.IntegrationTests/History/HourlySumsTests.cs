using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Monitoring.Grains.Checking;
using Monitoring.Grains.Data;
using Monitoring.Grains.History;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.IntegrationTests.Infrastructure;
using Npgsql;

namespace Monitoring.IntegrationTests.History;

/// <summary>
/// service_status_hourly against the raw results it sums: written with every batch, equal to SQL over service_status,
/// and the uptime sums read through it equal to the sums over the raw rows for any range.
/// </summary>
public sealed class HourlySumsTests : FreshDatabaseTests
{
    /// <summary>Rows in one of the two and not in the other (0 when they are equal).</summary>
    /// <remarks>Against service_status_hourly_from_results (0011), the results grouped by service and UTC hour.</remarks>
    public const string Difference = """
        SELECT count(*) FROM (
            (SELECT service_id, hour, results, up, degraded, response_time_ms, maintenance FROM service_status_hourly
             EXCEPT ALL SELECT service_id, hour, results, up, degraded, response_time_ms, maintenance FROM service_status_hourly_from_results)
            UNION ALL
            (SELECT service_id, hour, results, up, degraded, response_time_ms, maintenance FROM service_status_hourly_from_results
             EXCEPT ALL SELECT service_id, hour, results, up, degraded, response_time_ms, maintenance FROM service_status_hourly)) d
        """;

    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    [Fact]
    public async Task The_writers_batches_and_plain_inserts_keep_the_hourly_sums_equal_to_the_results()
    {
        // Arrange: 3,000 results of three services over the last 50 hours (some in maintenance, some far apart).
        var drafts = RandomDrafts(3000, seed: 11);
        using var metrics = new HistoryMetrics();
        using var journal = new ResultJournal(Path.Combine(Path.GetTempPath(), $"journal-{Guid.NewGuid():N}"), 1 << 20);
        var writer = new StatusWriter(Database.DataSource, Options.Create(new HistoryOptions { MaxBatchSize = 256 }), metrics, journal, NullLogger<StatusWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);

        // Act: through the writer (COPY batches, written concurrently), then a heartbeat-style INSERT of a few rows.
        await Task.WhenAll(drafts.Select(writer.WriteAsync));
        await writer.StopAsync(CancellationToken.None);
        await Database.ExecuteAsync("""
            INSERT INTO service_status (service_id, client_id, status, response_time_ms, trigger, checked_at, in_maintenance)
            SELECT 1 + i % 3, 1, 'down', 0, 'schedule', date_trunc('milliseconds', now() - make_interval(mins => i * 7)), i % 4 = 0
            FROM generate_series(1, 40) i
            """);

        // Assert
        Assert.Equal(3040L, await Database.ScalarAsync<long>("SELECT count(*) FROM service_status"));
        Assert.True(await Database.ScalarAsync<long>("SELECT count(*) FROM service_status_hourly") > 100);
        Assert.Equal(0L, await Database.ScalarAsync<long>(Difference));
    }

    public static TheoryData<string, double, double> Ranges => new()
    {
        // name, from (hours before now), until (hours before now)
        { "within one hour", 5.7, 5.2 },
        { "across one hour boundary", 5.5, 4.5 },
        { "whole hours plus both edges", 40.25, 3.6 },
        { "from an hour boundary", 30, 2.5 },
        { "everything, up to now", 60, 0 },
        { "nothing in range", 200, 150 },
    };

    [Theory]
    [MemberData(nameof(Ranges))]
    public async Task Uptime_sums_read_through_the_hourly_sums_equal_sums_over_the_raw_results(string name, double fromHoursAgo, double untilHoursAgo)
    {
        // Arrange
        await InsertRandomAsync(2000, seed: 5);
        var now = new DateTimeOffset(DateTime.UtcNow.Date.AddHours(DateTime.UtcNow.Hour), TimeSpan.Zero);
        var from = (now - TimeSpan.FromHours(fromHoursAgo)).ToMilliseconds();
        var until = (now - TimeSpan.FromHours(untilHoursAgo)).ToMilliseconds();
        var store = new UptimeHistoryStore(Database.DataSource);

        // Act
        var sum = await store.SumAsync(1, from, until);
        var byHour = await store.SumByHourAsync(1, from, until);
        var maintenance = await store.MaintenanceChecksAsync(1, from, until - TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1), from, until);

        // Assert: against the raw rows.
        var raw = await RawCountsAsync("checked_at >= $1 AND checked_at < $2", from, until);
        Assert.True(raw == sum, $"{name}: {sum} from the hourly sums, {raw} from the results");
        var rawHours = await RawByHourAsync(from, until);
        Assert.Equal(rawHours.Keys.Order(), byHour.Keys.Order());
        foreach (var (hour, counts) in rawHours)
        {
            Assert.True(counts == byHour[hour], $"{name}: hour {hour:O}");
        }

        Assert.Equal(await Database.ScalarAsync<long>(
            "SELECT count(*) FROM service_status WHERE service_id = 1 AND in_maintenance AND checked_at >= $1 AND checked_at < $2", from, until), maintenance.Total);
        Assert.Equal(maintenance.Total, maintenance.ByBucket.Values.Sum());
    }

    [Theory]
    [MemberData(nameof(Ranges))]
    public async Task Hourly_sums_of_many_services_in_one_query_equal_each_services_own(string name, double fromHoursAgo, double untilHoursAgo)
    {
        // Arrange: results of services 1 to 3; service 4 has none.
        await InsertRandomAsync(3000, seed: 7);
        var now = DateTimeOffset.UtcNow.ToMilliseconds();
        var from = now - TimeSpan.FromHours(fromHoursAgo);
        var until = now - TimeSpan.FromHours(untilHoursAgo);
        var store = new UptimeHistoryStore(Database.DataSource);

        // Act
        var many = await store.SumByHourManyAsync([1, 2, 3, 4], from, until);

        // Assert
        for (var id = 1L; id <= 4; id++)
        {
            var own = await store.SumByHourAsync(id, from, until);
            var read = many.GetValueOrDefault(id) ?? [];
            Assert.True(own.Count == read.Count && own.All(h => read.TryGetValue(h.Key, out var c) && c == h.Value), $"{name}: service {id}");
        }
    }

    [Fact]
    public async Task Results_since_a_moment_of_each_of_many_services_in_one_query_equal_each_services_own()
    {
        // Arrange: each service asked from a moment of its own (service 4 has no results).
        await InsertRandomAsync(3000, seed: 3);
        var now = DateTimeOffset.UtcNow.ToMilliseconds();
        (long Id, DateTimeOffset Since)[] asked = [(1, now - TimeSpan.FromHours(2)), (2, now - TimeSpan.FromMinutes(37.5)), (3, now - TimeSpan.FromHours(70)), (4, now - TimeSpan.FromHours(5))];
        var store = new UptimeHistoryStore(Database.DataSource);

        // Act
        var many = await store.ResultsSinceManyAsync(asked);

        // Assert: the same rows in the same order, maintenance left out as in the service's own read.
        foreach (var (id, since) in asked)
        {
            var own = await store.ResultsSinceAsync(id, since);
            Assert.Equal(own, many.GetValueOrDefault(id) ?? []);
        }

        Assert.True(many[3].Count > 500, $"{many[3].Count} results of service 3");
        Assert.False(many.ContainsKey(4));
    }

    [Fact]
    public async Task A_partition_made_later_takes_the_rows_that_waited_for_it_and_old_partitions_are_dropped_whole()
    {
        // Arrange: results 100 days old (no partition there yet: they wait in the default partition) and 3 days old.
        await Database.ExecuteAsync("""
            INSERT INTO service_status (service_id, client_id, status, response_time_ms, trigger, checked_at)
            SELECT 1, 1, 'up', 10, 'schedule', date_trunc('day', now() - interval '100 days', 'UTC') + make_interval(mins => i)
            FROM generate_series(0, 1439, 10) i;
            INSERT INTO service_status (service_id, client_id, status, response_time_ms, trigger, checked_at)
            SELECT 1, 1, 'up', 10, 'schedule', now() - interval '3 days' + make_interval(secs => i) FROM generate_series(1, 50) i;
            """);
        Assert.Equal(144L, await Database.ScalarAsync<long>("SELECT count(*) FROM service_status_default"));

        // Act 1: the partition for that week is made.
        var made = await Database.ScalarAsync<int>(
            "SELECT history_partitions_ensure('service_status', 'week', now() - interval '100 days', now() - interval '100 days')");

        // Assert 1: the rows moved into it; nothing was counted twice.
        var week = await Database.ScalarAsync<string>(
            "SELECT 'service_status_p' || to_char(date_trunc('week', now() - interval '100 days', 'UTC') AT TIME ZONE 'UTC', 'YYYYMMDD')");
        Assert.Equal(1, made);
        Assert.Equal(144L, await Database.ScalarAsync<long>($"SELECT count(*) FROM {week}"));
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM service_status_default"));
        Assert.Equal(0L, await Database.ScalarAsync<long>(Difference));

        // Act 2: pruning with a 90-day retention.
        var pruner = new HistoryPruner(Database.DataSource, Options.Create(new HistoryOptions()), TimeProvider.System, NullLogger<HistoryPruner>.Instance);
        var deletedRowByRow = await pruner.PruneAsync(DateTimeOffset.UtcNow - TimeSpan.FromDays(90), CancellationToken.None);

        // Assert 2: that week's partition is gone whole; the recent rows and their sums stay; partitions exist two weeks ahead.
        Assert.Equal(0L, deletedRowByRow);
        Assert.False(await Database.ScalarAsync<bool>("SELECT to_regclass($1) IS NOT NULL", week));
        Assert.Equal(50L, await Database.ScalarAsync<long>("SELECT count(*) FROM service_status"));
        Assert.Equal(50L, await Database.ScalarAsync<long>("SELECT coalesce(sum(results), 0) FROM service_status_hourly WHERE hour > now() - interval '90 days'"));
        Assert.True(await Database.ScalarAsync<bool>(
            "SELECT to_regclass('service_status_p' || to_char(date_trunc('week', now() + interval '14 days', 'UTC') AT TIME ZONE 'UTC', 'YYYYMMDD')) IS NOT NULL"));
    }

    [Fact]
    public async Task A_database_upgraded_with_results_keeps_them_readable_summed_and_pruned()
    {
        // Arrange: a database at the schema before partitioning, with results (one dated tomorrow: a silo's clock ahead).
        await using var old = await TestDatabase.CreateAsync(migrate: false);
        await new Monitoring.Sql.MigrationRunner(old.ConnectionString).ApplyAsync(throughVersion: 10);
        await old.ExecuteAsync("""
            INSERT INTO service_status (service_id, client_id, status, response_time_ms, trigger, checked_at, in_maintenance, due_key)
            SELECT 1 + i % 2, 1, (ARRAY['up','degraded','down'])[1 + i % 3], i % 300, 'schedule', now() - make_interval(hours => i), i % 5 = 0, NULL
            FROM generate_series(1, 2400) i;
            INSERT INTO service_status (service_id, client_id, status, response_time_ms, trigger, checked_at, due_key)
            VALUES (3, 1, 'down', 0, 'schedule', now() + interval '1 day', 'miss:x'),
                   (3, 1, 'down', 0, 'schedule', now() + interval '40 days', 'miss:far');
            """);

        // Act
        var applied = await new Monitoring.Sql.MigrationRunner(old.ConnectionString).ApplyAsync(throughVersion: 11);

        // Assert: every row readable and summed; the old table is the partition of everything before next Monday, a
        // row dated far ahead waits in the default partition; new rows go to weekly partitions.
        Assert.Equal(11, Assert.Single(applied).Version);
        Assert.Equal(2402L, await old.ScalarAsync<long>("SELECT count(*) FROM service_status"));
        Assert.Equal(0L, await old.ScalarAsync<long>(Difference));
        Assert.Equal(1L, await old.ScalarAsync<long>("SELECT count(*) FROM service_status_default WHERE due_key = 'miss:far'"));
        Assert.Equal(0L, await old.ScalarAsync<long>(
            "SELECT count(*) FROM service_status_legacy WHERE checked_at >= date_trunc('week', now(), 'UTC') + interval '7 days'"));
        await old.ExecuteAsync("""
            INSERT INTO service_status (service_id, client_id, status, response_time_ms, trigger, checked_at, due_key)
            VALUES (3, 1, 'down', 0, 'schedule', now() + interval '10 days', 'miss:y');
            INSERT INTO service_status (service_id, client_id, status, response_time_ms, trigger, checked_at, due_key)
            VALUES (3, 1, 'down', 0, 'schedule', now() + interval '10 days', 'miss:y')
            ON CONFLICT (service_id, due_key, checked_at) WHERE due_key IS NOT NULL DO NOTHING;
            INSERT INTO service_status (service_id, client_id, status, response_time_ms, trigger, checked_at, due_key)
            VALUES (3, 1, 'down', 0, 'schedule', now() - interval '2 hours', 'miss:z')
            ON CONFLICT (service_id, due_key, checked_at) WHERE due_key IS NOT NULL DO NOTHING;
            """);
        Assert.Equal(1L, await old.ScalarAsync<long>("SELECT count(*) FROM service_status WHERE due_key = 'miss:y'"));
        Assert.Equal("service_status_p", await old.ScalarAsync<string>(
            "SELECT left(tableoid::regclass::text, 16) FROM service_status WHERE due_key = 'miss:y'"));
        Assert.Equal(1L, await old.ScalarAsync<long>("SELECT count(*) FROM service_status_legacy WHERE due_key = 'miss:z'"));
        Assert.Equal(0L, await old.ScalarAsync<long>(Difference));

        // Act 2: retention of 30 days prunes the old table row by row (it is not wholly past the retention).
        var pruner = new HistoryPruner(old.DataSource, Options.Create(new HistoryOptions()), TimeProvider.System, NullLogger<HistoryPruner>.Instance);
        var deleted = await pruner.PruneAsync(DateTimeOffset.UtcNow - TimeSpan.FromDays(30), CancellationToken.None);

        // Assert 2
        Assert.Equal(2400L - (30 * 24) + 1, deleted);
        Assert.Equal(1L, await old.ScalarAsync<long>("SELECT count(*) FROM service_status_default"));
        Assert.Equal(0L, await old.ScalarAsync<long>("SELECT count(*) FROM service_status WHERE checked_at < now() - interval '30 days'"));
    }

    private static List<StatusDraft> RandomDrafts(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var status = (HealthStatus)random.Next(3);
            var result = new CheckResult(status, 200, random.Next(1, 5000), null, null, null);
            var checkedAt = (Now - TimeSpan.FromSeconds(random.Next(0, 50 * 3600))).ToMilliseconds();
            return new StatusDraft(1 + random.Next(3), 1, result, "schedule", checkedAt, InMaintenance: random.Next(10) == 0);
        }).ToList();
    }

    private async Task InsertRandomAsync(int count, int seed)
    {
        await Database.ExecuteAsync($"""
            SELECT setseed({seed} / 100.0);
            INSERT INTO service_status (service_id, client_id, status, response_time_ms, trigger, checked_at, in_maintenance)
            SELECT 1 + (random() * 2)::int, 1, (ARRAY['up','degraded','down'])[1 + (random() * 2)::int], (random() * 3000)::int, 'schedule',
                   date_trunc('milliseconds', now() - make_interval(secs => random() * 60 * 3600)), random() < 0.1
            FROM generate_series(1, {count});
            """);
    }

    private async Task<UptimeCounts> RawCountsAsync(string range, DateTimeOffset from, DateTimeOffset until)
    {
        await using var connection = Database.Open();
        await using var command = new NpgsqlCommand($"""
            SELECT count(*), count(*) FILTER (WHERE status = 'up'), count(*) FILTER (WHERE status = 'degraded'), coalesce(sum(response_time_ms), 0)::bigint
            FROM service_status WHERE service_id = 1 AND NOT in_maintenance AND {range}
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = from });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = until });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new UptimeCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
    }

    private async Task<Dictionary<DateTimeOffset, UptimeCounts>> RawByHourAsync(DateTimeOffset from, DateTimeOffset until)
    {
        await using var connection = Database.Open();
        await using var command = new NpgsqlCommand("""
            SELECT date_trunc('hour', checked_at, 'UTC'), count(*) FILTER (WHERE NOT in_maintenance), count(*) FILTER (WHERE status = 'up' AND NOT in_maintenance),
                   count(*) FILTER (WHERE status = 'degraded' AND NOT in_maintenance), coalesce(sum(response_time_ms) FILTER (WHERE NOT in_maintenance), 0)::bigint
            FROM service_status WHERE service_id = 1 AND checked_at >= $1 AND checked_at < $2 GROUP BY 1
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = from });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = until });
        var hours = new Dictionary<DateTimeOffset, UptimeCounts>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            hours[new DateTimeOffset(reader.GetDateTime(0), TimeSpan.Zero)] = new UptimeCounts(reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
        }

        return hours;
    }
}
