using Dapper;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Services;
using Npgsql;

namespace Monitoring.Grains.Data;

/// <summary>
/// The SQL of client_services, used only by the service's own grain (and the client grain for ids). Rows are
/// read and written by column name through <see cref="ServiceColumns"/> (Dapper), never by position.
/// </summary>
public sealed class ServiceStore(NpgsqlDataSource dataSource)
{
    public async Task<long> ReserveIdAsync()
    {
        await using var command = dataSource.CreateCommand("SELECT nextval(pg_get_serial_sequence('client_services', 'id'))");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async Task<StoredService?> LoadAsync(long id)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var reader = await connection.ExecuteReaderAsync($"""
            SELECT {ServiceRows.Select}, scheduled.checked_at AS "LastScheduledCheckAt"
            FROM client_services s
            {ServiceRows.LatestJoin}
            LEFT JOIN LATERAL (
                SELECT st.checked_at FROM service_status st
                WHERE st.service_id = s.id AND st.trigger = 'schedule' ORDER BY st.checked_at DESC LIMIT 1) scheduled ON true
            WHERE s.id = @id
            """, new { id });
        if (!await reader.ReadAsync())
        {
            return null;
        }

        var (config, runtime) = ServiceRows.Parser(reader)(reader);
        var lastScheduled = reader.GetRowParser<ScheduledRow>()(reader).LastScheduledCheckAt;
        return new StoredService(config, runtime, lastScheduled);
    }

    /// <summary>Inserts the row; an unknown client is a 400 (the foreign key says so), not an exception.</summary>
    public async Task<Outcome<ServiceConfig>> InsertAsync(ServiceConfig config)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        try
        {
            var times = await connection.QuerySingleAsync<GeneratedTimes>(ServiceColumns.Insert, config);
            return Outcome<ServiceConfig>.Ok(config with { CreatedAt = times.CreatedAt, UpdatedAt = times.UpdatedAt });
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            return Failure.UnknownClient(config.ClientId);
        }
    }

    /// <summary>Writes every field of the row; null when the row is gone.</summary>
    public async Task<ServiceConfig?> UpdateAsync(ServiceConfig config)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var times = await connection.QuerySingleOrDefaultAsync<GeneratedTimes>(ServiceColumns.Update, config);
        return times is null ? null : config with { UpdatedAt = times.UpdatedAt };
    }

    /// <summary>Deletes the service's history and its row in one transaction.</summary>
    public async Task DeleteAsync(long id)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("DELETE FROM service_status WHERE service_id = @id", new { id }, transaction);
        await connection.ExecuteAsync("DELETE FROM client_services WHERE id = @id", new { id }, transaction);
        await transaction.CommitAsync();
    }

    private sealed class GeneratedTimes
    {
        public DateTimeOffset CreatedAt { get; init; }

        public DateTimeOffset UpdatedAt { get; init; }
    }

    private sealed class ScheduledRow
    {
        public DateTimeOffset? LastScheduledCheckAt { get; init; }
    }
}
