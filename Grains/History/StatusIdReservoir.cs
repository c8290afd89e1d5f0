using Npgsql;

namespace Monitoring.Grains.History;

/// <summary>
/// Ids for service_status taken from its sequence in blocks, before the COPY that uses them: the writer
/// knows every row's id without RETURNING (which COPY lacks), and a batch retried after a lost
/// acknowledgement carries the same ids, so PostgreSQL's primary key tells that it was already stored.
/// </summary>
internal sealed class StatusIdReservoir(int blockSize)
{
    private readonly Queue<long> ids = new();

    public async Task<long[]> TakeAsync(NpgsqlConnection connection, int count, CancellationToken cancellationToken)
    {
        if (ids.Count < count)
        {
            await using var command = new NpgsqlCommand("SELECT nextval('service_status_id_seq') FROM generate_series(1, $1)", connection);
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Max(blockSize, count - ids.Count) });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Enqueue(reader.GetInt64(0));
            }
        }

        var taken = new long[count];
        for (var i = 0; i < count; i++)
        {
            taken[i] = ids.Dequeue();
        }

        return taken;
    }
}
