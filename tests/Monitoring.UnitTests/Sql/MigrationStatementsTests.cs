using Monitoring.Sql;

namespace Monitoring.UnitTests.Sql;

/// <summary>Migrations that must run outside a transaction (CREATE INDEX CONCURRENTLY) and how they are split.</summary>
public sealed class MigrationStatementsTests
{
    [Fact]
    public void A_marked_migration_is_split_into_its_statements_without_comments()
    {
        var migration = new Migration(99, "0099_x.sql", """
            -- migration: no transaction
            -- why
            CREATE INDEX CONCURRENTLY IF NOT EXISTS a ON t (x)
                WHERE y IS NOT NULL;

            -- another
            CREATE INDEX CONCURRENTLY IF NOT EXISTS b ON t (z);
            """, "checksum");

        Assert.True(migration.OutsideTransaction);
        Assert.Equal(
            ["CREATE INDEX CONCURRENTLY IF NOT EXISTS a ON t (x)\n    WHERE y IS NOT NULL;", "CREATE INDEX CONCURRENTLY IF NOT EXISTS b ON t (z);"],
            migration.Statements().Select(s => s.ReplaceLineEndings("\n")).ToArray());
    }

    [Fact]
    public void Only_the_heartbeat_indexes_on_the_history_run_outside_a_transaction()
    {
        var outside = Migration.Embedded.Where(m => m.OutsideTransaction).Select(m => m.Name).ToArray();

        Assert.Equal(["0009_monitor_indexes.sql"], outside);
        Assert.All(Migration.Embedded.Single(m => m.OutsideTransaction).Statements(), s => Assert.Contains("CONCURRENTLY IF NOT EXISTS", s, StringComparison.Ordinal));
    }
}
