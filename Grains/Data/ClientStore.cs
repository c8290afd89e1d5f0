using System.Data.Common;
using Monitoring.Grains.Interfaces.Models;
using Npgsql;
using NpgsqlTypes;

namespace Monitoring.Grains.Data;

/// <summary>The SQL of clients, used by the client grains.</summary>
public sealed class ClientStore(NpgsqlDataSource dataSource)
{
    /// <summary>The columns of a client, in the order <see cref="Read"/> expects: the one place that maps a row to a <see cref="ClientRecord"/>.</summary>
    public const string Columns = "id, name, description, contact_email, created_at, updated_at";

    /// <summary><see cref="Columns"/> of the clients table aliased <paramref name="alias"/>.</summary>
    public static string Select(string alias) => string.Join(", ", Columns.Split(", ").Select(c => $"{alias}.{c}"));

    /// <summary>Reads a row selected with <see cref="Columns"/>.</summary>
    public static ClientRecord Read(DbDataReader reader) => new(
        reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
        new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(4), DateTimeKind.Utc)), new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(5), DateTimeKind.Utc)));

    public async Task<Outcome<ClientRecord>> InsertAsync(ClientRecord client)
    {
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO clients (name, description, contact_email) VALUES ($1, $2, $3) RETURNING {Columns}
            """)
            .With(client.Name)
            .WithNullable(client.Description, NpgsqlDbType.Varchar)
            .WithNullable(client.ContactEmail, NpgsqlDbType.Varchar);
        return await ReadOneAsync(command, client.Name) ?? throw new InvalidOperationException("INSERT returned no row");
    }

    public async Task<ClientRecord?> LoadAsync(long id)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM clients WHERE id = $1").With(id);
        return (await ReadOneAsync(command, null))?.Value;
    }

    /// <summary>Writes the client; null when it no longer exists, a 409 when the name is taken.</summary>
    public async Task<Outcome<ClientRecord>?> UpdateAsync(ClientRecord client)
    {
        await using var command = dataSource.CreateCommand($"""
            UPDATE clients SET name = $2, description = $3, contact_email = $4 WHERE id = $1 RETURNING {Columns}
            """)
            .With(client.Id)
            .With(client.Name)
            .WithNullable(client.Description, NpgsqlDbType.Varchar)
            .WithNullable(client.ContactEmail, NpgsqlDbType.Varchar);
        return await ReadOneAsync(command, client.Name);
    }

    public async Task<IReadOnlyList<long>> ServiceIdsAsync(long clientId)
    {
        await using var command = dataSource.CreateCommand("SELECT id FROM client_services WHERE client_id = $1 ORDER BY id").With(clientId);
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    /// <summary>
    /// Deletes the client with whatever services it still has (their rows and history) in one transaction,
    /// and answers those services' ids so their grains can stop.
    /// </summary>
    public async Task<IReadOnlyList<long>> DeleteAsync(long clientId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var stragglers = new List<long>();
        await using (var services = new NpgsqlCommand("DELETE FROM client_services WHERE client_id = $1 RETURNING id", connection, transaction).With(clientId))
        await using (var reader = await services.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                stragglers.Add(reader.GetInt64(0));
            }
        }

        // By the history's own service ids: the client's services rows may be gone already.
        await using (var sums = new NpgsqlCommand(
            "DELETE FROM service_status_hourly WHERE service_id IN (SELECT DISTINCT service_id FROM service_status WHERE client_id = $1)", connection, transaction).With(clientId))
        {
            await sums.ExecuteNonQueryAsync();
        }

        await using (var history = new NpgsqlCommand("DELETE FROM service_status WHERE client_id = $1", connection, transaction).With(clientId))
        {
            await history.ExecuteNonQueryAsync();
        }

        await using (var client = new NpgsqlCommand("DELETE FROM clients WHERE id = $1", connection, transaction).With(clientId))
        {
            await client.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
        return stragglers;
    }

    private static async Task<Outcome<ClientRecord>?> ReadOneAsync(NpgsqlCommand command, string? name)
    {
        try
        {
            await using var reader = await command.ExecuteReaderAsync();
            if (!await reader.ReadAsync())
            {
                return null;
            }

            return Outcome<ClientRecord>.Ok(Read(reader));
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return Failure.Conflict($"A client named '{name}' already exists", new Dictionary<string, string> { ["name"] = "is already taken" });
        }
    }
}
