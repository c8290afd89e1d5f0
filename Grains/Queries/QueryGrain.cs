using System.Data.Common;
using Microsoft.Extensions.Options;
using Dapper;
using Monitoring.Grains.Alerting;
using Monitoring.Grains.Data;
using Monitoring.Grains.Delivery;
using Monitoring.Grains.Maintenance;
using Monitoring.Grains.Interfaces;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Interfaces.Queries;
using Monitoring.Grains.Scheduling;
using Monitoring.Grains.Services;
using Monitoring.Grains.StatusPages;
using Npgsql;
using Orleans.Concurrency;

namespace Monitoring.Grains.Queries;

/// <summary>
/// The read side: finds run as SQL over the tables the grains keep current. A stateless worker, so every
/// silo answers finds locally and in parallel.
/// </summary>
[StatelessWorker]
public sealed class QueryGrain(NpgsqlDataSource dataSource, TimeProvider time, SpreadPolicy spread, Credentials.CredentialProtector protector) : Grain, IQueryGrain
{
    internal const string StatusColumns = "t.id, t.service_id, t.client_id, t.status, t.status_code, t.response_time_ms, t.reported_status, t.error, t.details::text, t.trigger, t.checked_at, t.in_maintenance, t.tls_expires_at, t.condition_results::text";

    public Task<Page<ClientRecord>> FindClientsAsync(FindQuery query, long? scopeClientId) =>
        FindAsync<ClientRecord>(ResourceSql.Clients, query, scopeClientId, ClientStore.Select("c"), _ => ClientStore.Read);

    public Task<Page<ServiceRecord>> FindServicesAsync(FindQuery query, long? scopeClientId)
    {
        var now = time.GetUtcNow();
        return FindAsync<ServiceRecord>(ResourceSql.ClientServices, query, scopeClientId, ServiceRows.Select, reader =>
        {
            var parse = ServiceRows.Parser(reader);
            return row => ToRecord(parse(row), now);
        });
    }

    public Task<Page<long>> FindServiceIdsAsync(FindQuery query, long? scopeClientId) =>
        FindAsync<long>(ResourceSql.ClientServices, query, scopeClientId, "s.id", _ => reader => reader.GetInt64(0));

    public Task<Page<StatusRecord>> FindStatusesAsync(FindQuery query, long? scopeClientId) =>
        FindAsync<StatusRecord>(ResourceSql.ServiceStatus, query, scopeClientId, StatusColumns, _ => ReadStatus);

    public async Task<StatusRecord?> GetStatusAsync(long id, long? scopeClientId)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {StatusColumns} FROM service_status t WHERE t.id = $1 AND ($2::bigint IS NULL OR t.client_id = $2)");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint, Value = (object?)scopeClientId ?? DBNull.Value });
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? ReadStatus(reader) : null;
    }

    public Task<Page<IncidentRecord>> FindIncidentsAsync(FindQuery query, long? scopeClientId) =>
        FindAsync<IncidentRecord>(ResourceSql.Incidents, query, scopeClientId, Prefixed(IncidentRow.Columns, "i"), reader =>
        {
            var parse = reader.GetRowParser<IncidentRow>();
            return row => parse(row).ToRecord();
        });

    public async Task<IncidentRecord?> GetIncidentAsync(long id, long? scopeClientId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var row = await connection.QuerySingleOrDefaultAsync<IncidentRow>(
            $"SELECT {IncidentRow.Columns} FROM incidents WHERE id = @id AND (@scopeClientId::bigint IS NULL OR client_id = @scopeClientId)", new { id, scopeClientId });
        return row?.ToRecord();
    }

    /// <summary>A client-scoped caller also sees the shared channels, but only their id, name and type.</summary>
    public Task<Page<AlertChannelRecord>> FindChannelsAsync(FindQuery query, long? scopeClientId) =>
        FindAsync<AlertChannelRecord>(ResourceSql.AlertChannels, query, scopeClientId, Prefixed(ChannelStore.Columns, "c"), reader =>
        {
            var parse = reader.GetRowParser<ChannelRow>();
            return row =>
            {
                var channel = parse(row);
                return scopeClientId is not null && channel.ClientId is null ? ChannelRow.Shared(channel.ToRecord()) : channel.ToRecord();
            };
        });

    public Task<Page<DeliveryRecord>> FindDeliveriesAsync(FindQuery query, long? scopeClientId) =>
        FindAsync<DeliveryRecord>(ResourceSql.AlertDeliveries, query, scopeClientId, Prefixed(DeliveryRow.Columns, "d"), reader =>
        {
            var parse = reader.GetRowParser<DeliveryRow>();
            return row => parse(row).ToRecord();
        });

    public async Task<DeliveryRecord?> GetDeliveryAsync(long id, long? scopeClientId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var row = await connection.QuerySingleOrDefaultAsync<DeliveryRow>(
            $"SELECT {DeliveryRow.Columns} FROM alert_deliveries WHERE id = @id AND (@scopeClientId::bigint IS NULL OR client_id = @scopeClientId)", new { id, scopeClientId });
        return row?.ToRecord();
    }

    public Task<Page<MaintenanceWindowRecord>> FindMaintenanceWindowsAsync(FindQuery query, long? scopeClientId)
    {
        var now = time.GetUtcNow();
        return FindAsync<MaintenanceWindowRecord>(ResourceSql.MaintenanceWindows, query, scopeClientId, Prefixed(MaintenanceStore.Columns, "w"), reader =>
        {
            var parse = reader.GetRowParser<MaintenanceWindowRow>();
            return row => parse(row).ToRecord(now);
        });
    }

    public Task<Page<StatusPageRecord>> FindStatusPagesAsync(FindQuery query, long? scopeClientId) =>
        FindAsync<StatusPageRecord>(ResourceSql.StatusPages, query, scopeClientId, Prefixed(StatusPageStore.Columns, "p"), reader =>
        {
            var parse = reader.GetRowParser<StatusPageRow>();
            return row => parse(row).ToRecord();
        });

    private static string Prefixed(string columns, string alias) => string.Join(", ", columns.Split(", ").Select(c => $"{alias}.{c}"));

    /// <summary>One round trip: the count and the page; <paramref name="reader"/> makes the row reader once the page's columns are known.</summary>
    private async Task<Page<T>> FindAsync<T>(ResourceSql resource, FindQuery query, long? scopeClientId, string columns, Func<DbDataReader, Func<DbDataReader, T>> reader)
    {
        var sql = FindSql.Build(resource, query, scopeClientId);
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection);

        var count = new NpgsqlBatchCommand($"SELECT count(*) FROM {sql.FromForCount} WHERE {sql.Where}");
        count.Parameters.AddRange(sql.CloneParameters().ToArray());
        batch.BatchCommands.Add(count);
        if (query.Limit > 0)
        {
            var page = new NpgsqlBatchCommand(
                $"SELECT {columns} FROM {resource.From} {resource.Join} WHERE {sql.Where} ORDER BY {sql.OrderBy} LIMIT {query.Limit} OFFSET {query.Skip}");
            page.Parameters.AddRange(sql.CloneParameters().ToArray());
            batch.BatchCommands.Add(page);
        }

        await using var results = await batch.ExecuteReaderAsync();
        await results.ReadAsync();
        var total = results.GetInt64(0);
        var data = new List<T>();
        if (query.Limit > 0 && await results.NextResultAsync())
        {
            var read = reader(results);
            while (await results.ReadAsync())
            {
                data.Add(read(results));
            }
        }

        return new Page<T>(total, query.Limit, query.Skip, data);
    }

    private ServiceRecord ToRecord((ServiceConfig Config, ServiceRuntime Runtime) row, DateTimeOffset now)
    {
        var (config, runtime) = row;
        DateTimeOffset? next = null;
        if (config.Enabled && CronSchedule.TryParse(config.CronSchedule, config.CronTimezone, out var cron, out _))
        {
            next = config.IsHeartbeat
                ? new Heartbeats.HeartbeatSchedule(cron!, TimeSpan.FromSeconds(config.GraceSeconds)).NextAfter(now)?.Deadline.ToMilliseconds()
                : new ServiceSchedule(cron!, config.Id, spread, config.CronSchedule).NextFiringAfter(now)?.FireAt.ToMilliseconds();
        }

        string? token = null;
        if (config is { IsHeartbeat: true, PingTokenCiphertext: { } cipher })
        {
            try
            {
                token = protector.Unprotect(cipher, ServiceMonitorGrain.PingTokenContext(config.Id), $"service {config.Id}");
            }
            catch (Credentials.CredentialException)
            {
                // Shown without ping_url (the grain logs why); a find must not fail for one row.
            }
        }

        return config.ToRecord(runtime with { NextCheckAt = next }, token);
    }

    internal static StatusRecord ReadStatus(DbDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetInt64(1),
        reader.GetInt64(2),
        HealthStatusNames.FromWire(reader.GetString(3)),
        reader.GetNullableInt32(4),
        reader.GetInt32(5),
        reader.GetNullableString(6),
        reader.GetNullableString(7),
        reader.GetNullableString(8),
        reader.GetString(9),
        reader.GetTime(10),
        reader.GetBoolean(11),
        reader.IsDBNull(12) ? null : reader.GetTime(12),
        reader.GetNullableString(13));
}
