using Monitoring.IntegrationTests.Infrastructure;
using Monitoring.Sql;

namespace Monitoring.IntegrationTests.Platform;

public sealed class MigrationTests
{
    private const string SchemaFingerprint = """
        SELECT string_agg(table_name || '.' || column_name || ':' || data_type, ',' ORDER BY table_name, column_name)
        FROM information_schema.columns WHERE table_schema = 'public'
        """;

    [Fact]
    public async Task Applies_every_migration_to_an_empty_database_and_nothing_the_second_time()
    {
        await using var database = await TestDatabase.CreateAsync(migrate: false);
        var runner = new MigrationRunner(database.ConnectionString);

        // Act
        var first = await runner.ApplyAsync();
        var fingerprint = await database.ScalarAsync<string>(SchemaFingerprint);
        var second = await runner.ApplyAsync();

        // Assert
        Assert.Equal(Migration.Embedded.Select(m => m.Name), first.Select(m => m.Name));
        Assert.Empty(second);
        Assert.Equal(fingerprint, await database.ScalarAsync<string>(SchemaFingerprint));
        Assert.Equal((long)Migration.Embedded.Count, await database.ScalarAsync<long>("SELECT count(*) FROM schema_migrations"));
        foreach (var table in new[] { "clients", "client_services", "service_status", "orleansquery", "orleansmembershiptable", "orleansstorage", "orleansreminderstable" })
        {
            Assert.True(await database.ScalarAsync<bool>("SELECT to_regclass($1) IS NOT NULL", table), $"table {table} missing");
        }
    }

    [Fact]
    public async Task Two_runners_at_once_apply_each_migration_exactly_once()
    {
        await using var database = await TestDatabase.CreateAsync(migrate: false);

        // Act
        var results = await Task.WhenAll(
            new MigrationRunner(database.ConnectionString).ApplyAsync(),
            new MigrationRunner(database.ConnectionString).ApplyAsync());

        // Assert
        Assert.Equal(Migration.Embedded.Count, results.Sum(r => r.Count));
        Assert.Equal((long)Migration.Embedded.Count, await database.ScalarAsync<long>("SELECT count(*) FROM schema_migrations"));
    }

    [Fact]
    public async Task An_unmigrated_database_is_reported_with_the_command_to_run()
    {
        await using var database = await TestDatabase.CreateAsync(migrate: false);

        var error = await Assert.ThrowsAsync<SchemaNotMigratedException>(() => SchemaState.EnsureMigratedAsync(database.ConnectionString));

        Assert.Contains("migrate", error.Message);
    }

    [Fact]
    public async Task Every_provider_query_the_orleans_packages_need_is_present()
    {
        await using var database = await TestDatabase.CreateAsync();
        string[] required =
        [
            "InsertMembershipVersionKey", "InsertMembershipKey", "UpdateMembershipKey", "UpdateIAmAlivetimeKey",
            "MembershipReadRowKey", "MembershipReadAllKey", "GatewaysQueryKey", "DeleteMembershipTableEntriesKey",
            "CleanupDefunctSiloEntriesKey", "ReadFromStorageKey", "WriteToStorageKey", "ClearStorageKey", "DeleteStorageKey",
            "UpsertReminderRowKey", "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
            "DeleteReminderRowKey", "DeleteReminderRowsKey",
        ];

        var present = await database.ScalarAsync<string[]>("SELECT array_agg(querykey ORDER BY querykey) FROM orleansquery");

        Assert.Equal(required.Order(StringComparer.Ordinal), present.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_reminder_range_read_uses_an_index_instead_of_a_scan()
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.ExecuteAsync("""
            INSERT INTO orleansreminderstable (serviceid, grainid, remindername, starttime, period, grainhash, version)
            SELECT 'svc', 'g/' || i, 'r', now(), 60000, (random() * 4294967295 - 2147483648)::int, 0
            FROM generate_series(1, 20000) i;
            ANALYZE orleansreminderstable;
            """);

        await using var connection = database.Open();
        await using var explain = new Npgsql.NpgsqlCommand(
            "EXPLAIN SELECT grainid FROM orleansreminderstable WHERE serviceid = 'svc' AND grainhash > 100 AND grainhash <= 2000000", connection);
        var lines = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                lines.Add(reader.GetString(0));
            }
        }

        var text = string.Join('\n', lines);
        Assert.Contains("orleansreminderstable_ring", text);
        Assert.DoesNotContain("Seq Scan", text);
    }
}
