using Dapper;
using Monitoring.Grains.Alerting;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Services;
using Npgsql;

namespace Monitoring.Grains.Data;

/// <summary>
/// The SQL of client_services, used by the service's own grain (the client grain for ids, and a sweep to read ahead
/// for the grains it wakes, <see cref="Fleet.ActivationPrefetch"/>). Rows are
/// read and written by column name through <see cref="ServiceColumns"/> (Dapper), never by position.
/// </summary>
public sealed class ServiceStore(NpgsqlDataSource dataSource)
{
    public async Task<long> ReserveIdAsync()
    {
        await using var command = dataSource.CreateCommand("SELECT nextval(pg_get_serial_sequence('client_services', 'id'))");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// The service's row, latest result and last scheduled check, with its incident history; null when the row is gone.
    /// One round trip (<see cref="LoadManyAsync"/> of one id).
    /// </summary>
    public async Task<StoredService?> LoadAsync(long id) => (await LoadManyAsync([id])).GetValueOrDefault(id);

    /// <summary>
    /// What the grains of <paramref name="ids"/> load at activation, in one round trip: each service's row, latest result
    /// and last scheduled check, with its incident history (<see cref="IncidentStore.HistorySql"/>); ids whose row is gone
    /// are left out. One activation needs both, and a million activations through a pool of 20 connections made a second
    /// round trip wait (issue 16); a sweep reads them for a thousand services at a time (<see cref="Fleet.ActivationPrefetch"/>).
    /// </summary>
    public async Task<Dictionary<long, StoredService>> LoadManyAsync(IReadOnlyCollection<long> ids)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var reader = await connection.ExecuteReaderAsync($"""
            SELECT {ServiceRows.Select}, scheduled.checked_at AS "LastScheduledCheckAt"
            FROM client_services s
            {ServiceRows.LatestJoin}
            LEFT JOIN LATERAL (
                SELECT st.checked_at FROM service_status st
                WHERE st.service_id = s.id AND st.trigger = 'schedule' ORDER BY st.checked_at DESC LIMIT 1) scheduled ON true
            WHERE s.id = ANY(@serviceIds);
            {IncidentStore.HistorySql}
            """, new { serviceIds = ids as long[] ?? ids.ToArray(), replayed = IncidentStore.MaxReplayed });
        var rows = new List<(ServiceConfig Config, ServiceRuntime Runtime, DateTimeOffset? LastScheduled)>(ids.Count);
        var parse = ServiceRows.Parser(reader);
        var parseScheduled = reader.GetRowParser<ScheduledRow>();
        while (await reader.ReadAsync())
        {
            var (config, runtime) = parse(reader);
            rows.Add((config, runtime, parseScheduled(reader).LastScheduledCheckAt));
        }

        await reader.NextResultAsync();
        var histories = await IncidentStore.ReadHistoriesAsync(reader);
        var loaded = new Dictionary<long, StoredService>(rows.Count);
        foreach (var (config, runtime, lastScheduled) in rows)
        {
            loaded[config.Id] = new StoredService(config, runtime, lastScheduled, histories[config.Id]);
        }

        return loaded;
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

    /// <summary>
    /// Why <paramref name="parentId"/> cannot be what service <paramref name="serviceId"/> of <paramref name="clientId"/>
    /// depends on (not a service of that client, or its chain of dependencies leads back), or null when it can.
    /// </summary>
    public async Task<string?> DependencyProblemAsync(long serviceId, long clientId, long parentId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var found = await connection.QuerySingleAsync<(bool Exists, bool Cycle)>("""
            WITH RECURSIVE chain (id, depends_on, depth) AS (
                SELECT id, depends_on_service_id, 1 FROM client_services WHERE id = @parentId AND client_id = @clientId
                UNION ALL
                SELECT s.id, s.depends_on_service_id, c.depth + 1 FROM client_services s JOIN chain c ON s.id = c.depends_on WHERE c.depth < 1000)
            SELECT EXISTS (SELECT 1 FROM chain), EXISTS (SELECT 1 FROM chain WHERE id = @serviceId)
            """, new { serviceId, clientId, parentId });
        return !found.Exists ? $"service {parentId} is not a service of client {clientId}"
            : found.Cycle ? $"service {parentId} depends (directly or through others) on this service: dependencies may not form a cycle"
            : null;
    }

    /// <summary>
    /// Deletes the service's history (results and their hourly sums) and its row in one transaction, and takes it off the status pages that show it;
    /// answers those pages as they are now.
    /// </summary>
    public async Task<IReadOnlyList<Interfaces.Models.StatusPageRecord>> DeleteAsync(long id)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("DELETE FROM service_status WHERE service_id = @id", new { id }, transaction);
        await connection.ExecuteAsync("DELETE FROM service_status_hourly WHERE service_id = @id", new { id }, transaction);
        await connection.ExecuteAsync("DELETE FROM incidents WHERE service_id = @id", new { id }, transaction);
        await connection.ExecuteAsync("DELETE FROM client_services WHERE id = @id", new { id }, transaction);
        var pages = await connection.QueryAsync<StatusPages.StatusPageRow>(
            $"UPDATE status_pages SET service_ids = array_remove(service_ids, @id) WHERE service_ids @> ARRAY[@id] RETURNING {StatusPages.StatusPageStore.Columns}",
            new { id }, transaction);
        await transaction.CommitAsync();
        return pages.Select(p => p.ToRecord()).ToList();
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
