using Dapper;
using Monitoring.Grains.Alerting;
using Monitoring.Grains.Data;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Queries;
using Npgsql;

namespace Monitoring.Grains.Delivery;

/// <summary>How an attempt ended, as the outbox stores it.</summary>
public sealed record DeliveryOutcome(string State, int? StatusCode, string? Error, DateTimeOffset? NextAttemptAt, DateTimeOffset? SentAt, bool DisableChannel);

/// <summary>
/// The SQL of the outbox. A dispatcher claims due deliveries with a lease (<c>claimed_by</c>, <c>claimed_until</c>,
/// under <c>FOR UPDATE SKIP LOCKED</c>, so two silos never claim one row), never one whose channel has an earlier
/// delivery of the same incident still pending (per-channel order), and releases each with its outcome.
/// An expired claim is taken over only when its holder is no longer a live member of the fleet (the Orleans
/// membership table says so), or five minutes after it expired: a live holder that cannot store an outcome while
/// PostgreSQL is away keeps its delivery, so a notice a receiver accepted is not sent again by another silo.
/// </summary>
public sealed class DeliveryStore(NpgsqlDataSource dataSource)
{
    /// <summary>Orleans' SiloStatus.Dead in the membership table.</summary>
    private const int DeadSilo = 6;

    static DeliveryStore() => DapperSetup.Ensure();

    public async Task<DeliveryRow?> LoadAsync(long id)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<DeliveryRow>($"SELECT {DeliveryRow.Columns} FROM alert_deliveries WHERE id = @id", new { id });
    }

    /// <summary>Queues a <c>test</c> delivery to the channel, already claimed by <paramref name="owner"/> (who attempts it at once).</summary>
    public async Task<DeliveryRow> InsertTestAsync(long channelId, long? clientId, string owner, TimeSpan lease)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleAsync<DeliveryRow>($"""
            INSERT INTO alert_deliveries (channel_id, client_id, event, next_attempt_at, attempts, claimed_by, claimed_until)
            VALUES (@channelId, @clientId, 'test', now(), 1, @owner, now() + @lease)
            RETURNING {DeliveryRow.Columns}
            """, new { channelId, clientId, owner, lease });
    }

    /// <summary>
    /// Claims up to <paramref name="max"/> due deliveries for <paramref name="owner"/> until now + <paramref name="lease"/>
    /// and counts the attempt.
    /// </summary>
    public async Task<IReadOnlyList<DeliveryRow>> ClaimAsync(string owner, TimeSpan lease, int max)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var rows = await connection.QueryAsync<DeliveryRow>($"""
            WITH due AS (
                SELECT d.id FROM alert_deliveries d
                WHERE d.state = 'pending' AND d.next_attempt_at <= now()
                  AND (d.claimed_until IS NULL
                       OR (d.claimed_until < now() AND NOT EXISTS (
                              SELECT 1 FROM orleansmembershiptable m
                              WHERE m.status <> {DeadSilo} AND d.claimed_by LIKE m.address || ':' || m.port || '@' || m.generation || '/%'))
                       OR d.claimed_until < now() - interval '5 minutes')
                  AND (d.incident_id IS NULL OR NOT EXISTS (
                      SELECT 1 FROM alert_deliveries e
                      WHERE e.incident_id = d.incident_id AND e.channel_id = d.channel_id AND e.state = 'pending' AND e.id < d.id))
                ORDER BY d.next_attempt_at, d.id
                LIMIT @max
                FOR UPDATE OF d SKIP LOCKED)
            UPDATE alert_deliveries d SET claimed_by = @owner, claimed_until = now() + @lease, attempts = d.attempts + 1
            FROM due WHERE d.id = due.id
            RETURNING {Prefixed("d")}
            """, new { owner, lease, max });
        return rows.OrderBy(r => r.Id).ToList();
    }

    /// <summary>
    /// Stores an attempt's outcome (and when it was made: the channel's latest outcome is read from its latest attempt,
    /// so deliveries to one channel never queue on its row). A failed attempt is stored only by the claim's owner (a
    /// silo whose claim was taken over does not overwrite its successor); an accepted one always. A retry of a
    /// triggered or reminder notice whose incident has resolved meanwhile becomes <c>cancelled</c>. A 410 disables the
    /// channel. Answers the delivery, and the channel when it was disabled; null when the row was not ours.
    /// </summary>
    public async Task<(DeliveryRow Delivery, ChannelRow? DisabledChannel)?> FinishAsync(long id, string owner, DeliveryOutcome outcome)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var row = await connection.QuerySingleOrDefaultAsync<DeliveryRow>($"""
            UPDATE alert_deliveries d SET
                state = CASE WHEN @State = 'pending' AND d.event IN ('triggered', 'reminder')
                              AND EXISTS (SELECT 1 FROM incidents i WHERE i.id = d.incident_id AND i.status = 'resolved')
                             THEN 'cancelled' ELSE @State END,
                last_status_code = @StatusCode, last_error = @Error, next_attempt_at = @NextAttemptAt, sent_at = @SentAt,
                last_attempt_at = now(), claimed_by = NULL, claimed_until = NULL
            WHERE d.id = @id AND d.state = 'pending' AND (d.claimed_by = @owner OR @State = 'sent')
            RETURNING {Prefixed("d")}
            """, new { id, owner, outcome.State, outcome.StatusCode, outcome.Error, outcome.NextAttemptAt, outcome.SentAt });
        if (row is null || !outcome.DisableChannel)
        {
            return row is null ? null : (row, null);
        }

        await connection.ExecuteAsync("UPDATE alert_channels SET enabled = false WHERE id = @ChannelId", new { row.ChannelId });
        var channel = await connection.QuerySingleOrDefaultAsync<ChannelRow>($"SELECT {ChannelStore.Columns} FROM alert_channels_view WHERE id = @ChannelId", new { row.ChannelId });
        return (row, channel);
    }

    /// <summary>The delivery's channel and the records it is about, as they are now, in one round trip (null when the channel is gone).</summary>
    public async Task<NotificationRecords?> LoadRecordsAsync(DeliveryRow delivery)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection);
        Add(batch, $"SELECT {ChannelStore.Columns} FROM alert_channels_view WHERE id = $1", delivery.ChannelId);
        Add(batch, $"SELECT {ClientStore.Select("c")} FROM clients c WHERE c.id = coalesce($1, (SELECT client_id FROM alert_channels WHERE id = $2))", delivery.ClientId, delivery.ChannelId);
        Add(batch, $"SELECT {ServiceRows.Select} FROM client_services s {ServiceRows.LatestJoin} WHERE s.id = $1", delivery.ServiceId);
        Add(batch, $"SELECT {QueryGrain.StatusColumns} FROM service_status t WHERE t.service_id = $1 ORDER BY t.checked_at DESC LIMIT 1", delivery.ServiceId);
        Add(batch, $"SELECT {IncidentRow.Columns} FROM incidents WHERE id = $1", delivery.IncidentId);
        await using var reader = await batch.ExecuteReaderAsync();

        var channel = await reader.ReadAsync() ? reader.GetRowParser<ChannelRow>()(reader) : null;
        await reader.NextResultAsync();
        var client = await reader.ReadAsync() ? ClientStore.Read(reader) : null;
        await reader.NextResultAsync();
        ServiceRecord? service = null;
        if (await reader.ReadAsync())
        {
            var (config, runtime) = ServiceRows.Parser(reader)(reader);
            service = config.ToRecord(runtime);
        }

        await reader.NextResultAsync();
        var status = await reader.ReadAsync() ? QueryGrain.ReadStatus(reader) : null;
        await reader.NextResultAsync();
        var incident = await reader.ReadAsync() ? reader.GetRowParser<IncidentRow>()(reader).ToRecord() : null;
        return channel is null ? null : new NotificationRecords(channel, client, service, incident, status);
    }

    private static void Add(NpgsqlBatch batch, string sql, params long?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint, Value = (object?)value ?? DBNull.Value });
        }

        batch.BatchCommands.Add(command);
    }

    private static string Prefixed(string alias) => string.Join(", ", DeliveryRow.Columns.Split(", ").Select(c => $"{alias}.{c}"));
}

/// <summary>What a delivery is about, read for one attempt.</summary>
public sealed record NotificationRecords(ChannelRow Channel, ClientRecord? Client, ServiceRecord? Service, IncidentRecord? Incident, StatusRecord? Status);
