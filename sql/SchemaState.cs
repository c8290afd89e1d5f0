using Npgsql;

namespace Monitoring.Sql;

/// <summary>
/// Tells whether a database carries every migration this build needs. Silo and gateway call
/// <see cref="EnsureMigratedAsync"/> at start and stop with its message when it throws.
/// </summary>
public static class SchemaState
{
    public static async Task EnsureMigratedAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);

        await using (var exists = new NpgsqlCommand("SELECT to_regclass('schema_migrations') IS NOT NULL", connection))
        {
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
            {
                throw new SchemaNotMigratedException(
                    $"the database '{connection.Database}' is not migrated: run ./scripts/migrate.sh (or the migrate command) first");
            }
        }

        var applied = await ReadAppliedAsync(connection, cancellationToken);
        var missing = Migration.Embedded.Where(m => !applied.ContainsKey(m.Version)).Select(m => m.Name).ToList();
        if (missing.Count > 0)
        {
            throw new SchemaNotMigratedException(
                $"the database '{connection.Database}' lacks {missing.Count} migration(s) ({string.Join(", ", missing)}): run ./scripts/migrate.sh first");
        }
    }

    internal static async Task<Dictionary<int, string>> ReadAppliedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var applied = new Dictionary<int, string>();
        await using var command = new NpgsqlCommand("SELECT version, checksum FROM schema_migrations", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            applied[reader.GetInt32(0)] = reader.GetString(1);
        }

        return applied;
    }
}
