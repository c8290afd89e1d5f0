using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Queries;
using Npgsql;

namespace Monitoring.Grains.Data;

/// <summary>Reads the ends of a service's history in one round trip (for <see cref="Services.RecentHistory"/>).</summary>
public sealed class RecentHistoryStore(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// The service's result count, its <paramref name="rows"/> oldest and newest results (each in its order), and the
    /// ids of results stored in the last 30 seconds (whose commits the grain may not have been told of yet), all from one
    /// snapshot.
    /// </summary>
    public async Task<(long Total, List<StatusRecord> Oldest, List<StatusRecord> Newest, List<long> RecentIds)> ReadAsync(long serviceId, int rows)
    {
        await using var connection = await dataSource.OpenConnectionAsync();

        // One snapshot for the four reads: the count, the pages and the recent ids agree with each other.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(Command("SELECT count(*) FROM service_status t WHERE t.service_id = $1", serviceId));
        batch.BatchCommands.Add(Command(
            $"SELECT {QueryGrain.StatusColumns} FROM service_status t WHERE t.service_id = $1 ORDER BY t.checked_at, t.id LIMIT {rows}", serviceId));
        batch.BatchCommands.Add(Command(
            $"SELECT {QueryGrain.StatusColumns} FROM service_status t WHERE t.service_id = $1 ORDER BY t.checked_at DESC, t.id DESC LIMIT {rows}", serviceId));
        // Bounded by checked_at too, so the (service_id, checked_at) index finds them: a result stored in the last 30 s
        // was checked in the last 10 minutes unless it waited in a journal (and then the kept page is dropped anyway).
        batch.BatchCommands.Add(Command(
            "SELECT t.id FROM service_status t WHERE t.service_id = $1 AND t.checked_at >= now() - interval '10 minutes' AND t.stored_at >= now() - interval '30 seconds'",
            serviceId));

        await using var reader = await batch.ExecuteReaderAsync();
        await reader.ReadAsync();
        var total = reader.GetInt64(0);
        var oldest = new List<StatusRecord>();
        var newest = new List<StatusRecord>();
        foreach (var list in new[] { oldest, newest })
        {
            await reader.NextResultAsync();
            while (await reader.ReadAsync())
            {
                list.Add(QueryGrain.ReadStatus(reader));
            }
        }

        var ids = new List<long>();
        await reader.NextResultAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt64(0));
        }

        await reader.DisposeAsync();
        await transaction.CommitAsync();
        return (total, oldest, newest, ids);
    }

    private static NpgsqlBatchCommand Command(string sql, long serviceId)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = serviceId });
        return command;
    }
}
