using Microsoft.Extensions.Options;
using Monitoring.Grains.Data;
using Monitoring.Grains.Interfaces;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Interfaces.Queries;
using Monitoring.Grains.Scheduling;
using Monitoring.Grains.Services;
using Npgsql;
using Orleans.Concurrency;

namespace Monitoring.Grains.Queries;

/// <summary>
/// The read side: finds run as SQL over the tables the grains keep current. A stateless worker, so every
/// silo answers finds locally and in parallel.
/// </summary>
[StatelessWorker]
public sealed class QueryGrain(NpgsqlDataSource dataSource, TimeProvider time, IOptions<ScheduleOptions> scheduleOptions) : Grain, IQueryGrain
{
    private const string StatusColumns = "t.id, t.service_id, t.client_id, t.status, t.status_code, t.response_time_ms, t.reported_status, t.error, t.details::text, t.trigger, t.checked_at";

    public Task<Page<ClientRecord>> FindClientsAsync(FindQuery query, long? scopeClientId) =>
        FindAsync(ResourceSql.Clients, query, scopeClientId, "c." + ClientStore.Columns.Replace(", ", ", c.", StringComparison.Ordinal), ReadClient);

    public Task<Page<ServiceRecord>> FindServicesAsync(FindQuery query, long? scopeClientId)
    {
        var now = time.GetUtcNow();
        return FindAsync(ResourceSql.ClientServices, query, scopeClientId, ServiceRows.Columns, reader => ReadService(reader, now));
    }

    public Task<Page<long>> FindServiceIdsAsync(FindQuery query, long? scopeClientId) =>
        FindAsync(ResourceSql.ClientServices, query, scopeClientId, "s.id", reader => reader.GetInt64(0));

    public Task<Page<StatusRecord>> FindStatusesAsync(FindQuery query, long? scopeClientId) =>
        FindAsync(ResourceSql.ServiceStatus, query, scopeClientId, StatusColumns, ReadStatus);

    public async Task<StatusRecord?> GetStatusAsync(long id, long? scopeClientId)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {StatusColumns} FROM service_status t WHERE t.id = $1 AND ($2::bigint IS NULL OR t.client_id = $2)");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint, Value = (object?)scopeClientId ?? DBNull.Value });
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? ReadStatus(reader) : null;
    }

    private async Task<Page<T>> FindAsync<T>(ResourceSql resource, FindQuery query, long? scopeClientId, string columns, Func<NpgsqlDataReader, T> read)
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

        await using var reader = await batch.ExecuteReaderAsync();
        await reader.ReadAsync();
        var total = reader.GetInt64(0);
        var data = new List<T>();
        if (query.Limit > 0 && await reader.NextResultAsync())
        {
            while (await reader.ReadAsync())
            {
                data.Add(read(reader));
            }
        }

        return new Page<T>(total, query.Limit, query.Skip, data);
    }

    private static ClientRecord ReadClient(NpgsqlDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), reader.GetNullableString(2), reader.GetNullableString(3), reader.GetTime(4), reader.GetTime(5));

    private ServiceRecord ReadService(NpgsqlDataReader reader, DateTimeOffset now)
    {
        var (config, lastStatus, lastCheckedAt, lastResponseTimeMs) = ServiceRows.Read(reader);
        DateTimeOffset? next = null;
        if (config.Enabled && CronSchedule.TryParse(config.CronSchedule, config.CronTimezone, out var cron, out _))
        {
            next = new ServiceSchedule(cron!, config.Id, scheduleOptions.Value.MaxSpread).NextFiringAfter(now)?.FireAt.ToMilliseconds();
        }

        return config.ToRecord(new ServiceRuntime(lastStatus, lastCheckedAt, lastResponseTimeMs, next));
    }

    private static StatusRecord ReadStatus(NpgsqlDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetInt64(1),
        reader.GetInt64(2),
        reader.GetString(3),
        reader.GetNullableInt32(4),
        reader.GetInt32(5),
        reader.GetNullableString(6),
        reader.GetNullableString(7),
        reader.GetNullableString(8),
        reader.GetString(9),
        reader.GetTime(10));
}
