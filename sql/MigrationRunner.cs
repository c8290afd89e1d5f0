using Npgsql;

namespace Monitoring.Sql;

/// <summary>
/// Applies the embedded migrations in order and records each in <c>schema_migrations</c>.
/// Safe to run twice and from several processes at once: a session advisory lock serialises runners,
/// and every migration commits together with its record.
/// </summary>
public sealed class MigrationRunner(string connectionString)
{
    // An arbitrary constant shared by every runner of this schema.
    private const long AdvisoryLockKey = 7_305_511_202_611;

    /// <summary>
    /// Applies the embedded migrations not yet applied, in order, each once however many runners start at once;
    /// <paramref name="throughVersion"/> stops after that version (tests of an upgrade start from an older schema).
    /// </summary>
    /// <returns>The migrations applied now.</returns>
    public async Task<IReadOnlyList<Migration>> ApplyAsync(Action<string>? log = null, CancellationToken cancellationToken = default, int? throughVersion = null)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await LockAsync(connection, cancellationToken);
        try
        {
            await ExecuteAsync(connection, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    integer PRIMARY KEY,
                    name       text NOT NULL,
                    checksum   text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """, cancellationToken);

            var applied = await SchemaState.ReadAppliedAsync(connection, cancellationToken);
            var newlyApplied = new List<Migration>();
            foreach (var migration in Migration.Embedded.Where(m => throughVersion is null || m.Version <= throughVersion))
            {
                if (applied.TryGetValue(migration.Version, out var checksum))
                {
                    if (checksum != migration.Checksum)
                    {
                        throw new InvalidOperationException(
                            $"Migration {migration.Name} was changed after it was applied; add a new migration instead.");
                    }

                    continue;
                }

                await ApplyOneAsync(connection, migration, cancellationToken);
                log?.Invoke($"applied {migration.Name}");
                newlyApplied.Add(migration);
            }

            return newlyApplied;
        }
        finally
        {
            await ExecuteAsync(connection, $"SELECT pg_advisory_unlock({AdvisoryLockKey})", CancellationToken.None);
        }
    }

    /// <summary>
    /// Takes the runners' lock by polling, not by waiting in <c>pg_advisory_lock</c>: CREATE INDEX CONCURRENTLY (in the
    /// lock holder) waits for every transaction open at its start, a blocked lock call included, which would deadlock.
    /// </summary>
    private static async Task LockAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        while (true)
        {
            await using var command = new NpgsqlCommand($"SELECT pg_try_advisory_lock({AdvisoryLockKey})", connection);
            if ((bool)(await command.ExecuteScalarAsync(cancellationToken))!)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    private static async Task ApplyOneAsync(NpgsqlConnection connection, Migration migration, CancellationToken cancellationToken)
    {
        if (migration.OutsideTransaction)
        {
            // CREATE INDEX CONCURRENTLY refuses a transaction (and a multi-statement batch, which is one): each statement
            // alone, then the record. A failure midway leaves the earlier statements done; the file is written to be re-run.
            foreach (var statement in migration.Statements())
            {
                await ExecuteAsync(connection, statement, cancellationToken);
            }

            await RecordAsync(connection, null, migration, cancellationToken);
            return;
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // No command timeout: a migration that rewrites the history (0011) takes time proportional to it, and a
        // timeout would roll it back and leave the silos unable to start.
        await using (var command = new NpgsqlCommand(migration.Sql, connection, transaction) { CommandTimeout = 0 })
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await RecordAsync(connection, transaction, migration, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task RecordAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Migration migration, CancellationToken cancellationToken)
    {
        await using var record = new NpgsqlCommand(
            "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", connection, transaction);
        record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = migration.Version });
        record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = migration.Name });
        record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = migration.Checksum });
        await record.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
