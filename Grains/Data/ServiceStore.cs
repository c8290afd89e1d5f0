using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Services;
using Npgsql;
using NpgsqlTypes;

namespace Monitoring.Grains.Data;

/// <summary>The SQL of client_services, used only by the service's own grain (and the client grain for ids).</summary>
public sealed class ServiceStore(NpgsqlDataSource dataSource)
{
    public async Task<long> ReserveIdAsync()
    {
        await using var command = dataSource.CreateCommand("SELECT nextval(pg_get_serial_sequence('client_services', 'id'))");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async Task<StoredService?> LoadAsync(long id)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {ServiceRows.Columns}, scheduled.checked_at
            FROM client_services s
            {ServiceRows.LatestJoin}
            LEFT JOIN LATERAL (
                SELECT st.checked_at FROM service_status st
                WHERE st.service_id = s.id AND st.trigger = 'schedule' ORDER BY st.checked_at DESC LIMIT 1) scheduled ON true
            WHERE s.id = $1
            """).With(id);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return null;
        }

        var (config, lastStatus, lastCheckedAt, lastResponseTimeMs) = ServiceRows.Read(reader);
        return new StoredService(config, new ServiceRuntime(lastStatus, lastCheckedAt, lastResponseTimeMs, null), reader.GetNullableTime(18));
    }

    /// <summary>Inserts the row; an unknown client is a 400 (the foreign key says so), not an exception.</summary>
    public async Task<Outcome<ServiceConfig>> InsertAsync(ServiceConfig config)
    {
        await using var command = WithValues(dataSource.CreateCommand("""
            INSERT INTO client_services (id, client_id, name, endpoint_url, method, expected_status_code, timeout_ms,
                degraded_threshold_ms, cron_schedule, cron_timezone, enabled, basic_auth_username, basic_auth_password)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
            RETURNING created_at, updated_at
            """), config);
        try
        {
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            return Outcome<ServiceConfig>.Ok(config with { CreatedAt = reader.GetTime(0), UpdatedAt = reader.GetTime(1) });
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            return Failure.Invalid("client_id", $"client {config.ClientId} does not exist");
        }
    }

    /// <summary>Writes every field of the row; null when the row is gone.</summary>
    public async Task<ServiceConfig?> UpdateAsync(ServiceConfig config)
    {
        await using var command = WithValues(dataSource.CreateCommand("""
            UPDATE client_services SET client_id = $2, name = $3, endpoint_url = $4, method = $5, expected_status_code = $6,
                timeout_ms = $7, degraded_threshold_ms = $8, cron_schedule = $9, cron_timezone = $10, enabled = $11,
                basic_auth_username = $12, basic_auth_password = $13
            WHERE id = $1
            RETURNING updated_at
            """), config);
        var updatedAt = await command.ExecuteScalarAsync();
        return updatedAt is DateTime time ? config with { UpdatedAt = new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)) } : null;
    }

    /// <summary>Deletes the service's history and its row in one transaction.</summary>
    public async Task DeleteAsync(long id)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var history = new NpgsqlCommand("DELETE FROM service_status WHERE service_id = $1", connection, transaction).With(id))
        {
            await history.ExecuteNonQueryAsync();
        }

        await using (var row = new NpgsqlCommand("DELETE FROM client_services WHERE id = $1", connection, transaction).With(id))
        {
            await row.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    private static NpgsqlCommand WithValues(NpgsqlCommand command, ServiceConfig config) => command
        .With(config.Id)
        .With(config.ClientId)
        .With(config.Name)
        .With(config.EndpointUrl)
        .With(config.Method)
        .With(config.ExpectedStatusCode)
        .With(config.TimeoutMs)
        .WithNullable(config.DegradedThresholdMs, NpgsqlDbType.Integer)
        .With(config.CronSchedule)
        .With(config.CronTimezone)
        .With(config.Enabled)
        .WithNullable(config.BasicAuthUsername, NpgsqlDbType.Varchar)
        .WithNullable(config.PasswordCiphertext, NpgsqlDbType.Text);
}
