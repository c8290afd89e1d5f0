using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Monitoring.Grains.Services;
using Npgsql;
using Orleans.Configuration;
using Orleans.Storage;

namespace Monitoring.Grains.Data;

/// <summary>
/// Reads the stored grain state (<see cref="StorageNames.MonitorState"/>: the uptime snapshot) of many services in one
/// query, from the orleansstorage table that Orleans' ADO.NET grain storage writes (sql/migrations/0003), and decodes it
/// with the serializer that storage is configured with (<see cref="CreateSerializer"/>).
/// </summary>
/// <remarks>
/// How that storage keys a row, from Orleans.Persistence.AdoNet 10.x (AdoNetGrainStorage, AdoGrainKey, OrleansDefaultHasher):
/// an integer-keyed grain's row has N0 = 0, N1 = its key and no extension string; the grain type string is the state
/// name; the grain id hash is <see cref="StableHash"/> of the key's eight bytes in big-endian order, the type hash that
/// of the state name's UTF-8 bytes; the version is the ETag. Both hashes lead the table's unique index, so each id is one
/// index probe. Proven against the storage itself by SnapshotStoreTests.
/// </remarks>
public sealed class SnapshotStore(NpgsqlDataSource dataSource, IOptions<ClusterOptions> cluster, Orleans.Serialization.Serializer serializer)
{
    private static readonly int TypeHash = (int)StableHash.ComputeHash(Encoding.UTF8.GetBytes(StorageNames.MonitorState));

    private readonly IGrainStorageSerializer decoder = CreateSerializer(serializer);

    /// <summary>The serializer of <see cref="StorageNames.UptimeTable"/>: Orleans' binary one, compact and tolerant of added fields.</summary>
    public static IGrainStorageSerializer CreateSerializer(Orleans.Serialization.Serializer serializer) => new OrleansGrainStorageSerializer(serializer);

    /// <summary>The hash Orleans' ADO.NET storage gives an integer grain key (the first column of the table's index).</summary>
    public static int IdHash(long serviceId)
    {
        Span<byte> bytes = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64BigEndian(bytes, serviceId);
        return (int)StableHash.ComputeHash(bytes);
    }

    /// <summary>
    /// The stored states of <paramref name="serviceIds"/>, as the storage's read would set them; an id with no row gets a
    /// new state, no ETag and <c>RecordExists</c> false (as the storage's read does).
    /// </summary>
    /// <exception cref="NpgsqlException">PostgreSQL failed.</exception>
    public async Task<Dictionary<long, (ServiceMonitorState State, string? ETag, bool RecordExists)>> ReadManyAsync(IReadOnlyCollection<long> serviceIds)
    {
        var ids = serviceIds as long[] ?? serviceIds.ToArray();
        await using var command = dataSource.CreateCommand("""
            SELECT k.id, s.payloadbinary, s.version
            FROM unnest($1::bigint[], $2::integer[]) AS k(id, idhash)
            JOIN orleansstorage s ON s.grainidhash = k.idhash AND s.graintypehash = $3 AND s.serviceid = $4
             AND s.grainidn0 = 0 AND s.grainidn1 = k.id AND s.graintypestring = $5 AND coalesce(s.grainidextensionstring, '') = ''
            """).With(ids).With(Array.ConvertAll(ids, IdHash)).With(TypeHash).With(cluster.Value.ServiceId).With(StorageNames.MonitorState);
        var states = new Dictionary<long, (ServiceMonitorState, string?, bool)>(ids.Length);
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var payload = reader.IsDBNull(1) ? null : (byte[])reader.GetValue(1);
                var state = (payload is null ? null : decoder.Deserialize<ServiceMonitorState>(new BinaryData(payload))) ?? new ServiceMonitorState();
                var version = reader.IsDBNull(2) ? null : reader.GetInt32(2).ToString(CultureInfo.InvariantCulture);
                states[reader.GetInt64(0)] = (state, version, payload is not null);
            }
        }

        foreach (var id in ids)
        {
            states.TryAdd(id, (new ServiceMonitorState(), null, false));
        }

        return states;
    }
}
