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
/// </summary>
public sealed class DeliveryStore(NpgsqlDataSource dataSource)
{
    static DeliveryStore() => DapperSetup.Ensure();

    public async Task<DeliveryRow?> LoadAsync(long id)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<DeliveryRow>($"SELECT {DeliveryRow.Columns} FROM alert_deliveries WHERE id = @id", new { id });
    }

    /// <summary>Queues a <c>test</c> delivery to the channel, due now.</summary>
    public async Task<DeliveryRow> InsertTestAsync(long channelId, long? clientId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleAsync<DeliveryRow>($"""
            INSERT INTO alert_deliveries (channel_id, client_id, event, next_attempt_at) VALUES (@channelId, @clientId, 'test', now())
            RETURNING {DeliveryRow.Columns}
            """, new { channelId, clientId });
    }

    /// <summary>
    /// Claims up to <paramref name="max"/> due deliveries for <paramref name="owner"/> until now + <paramref name="lease"/>
    /// and counts the attempt; with <paramref name="onlyId"/>, only that one.
    /// </summary>
    public async Task<IReadOnlyList<DeliveryRow>> ClaimAsync(string owner, TimeSpan lease, int max, long? onlyId = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var rows = await connection.QueryAsync<DeliveryRow>($"""
            WITH due AS (
                SELECT d.id FROM alert_deliveries d
                WHERE d.state = 'pending' AND d.next_attempt_at <= now()
                  AND (d.claimed_until IS NULL OR d.claimed_until < now())
                  AND (@onlyId::bigint IS NULL OR d.id = @onlyId)
                  AND NOT EXISTS (
                      SELECT 1 FROM alert_deliveries e
                      WHERE e.channel_id = d.channel_id AND e.incident_id IS NOT DISTINCT FROM d.incident_id
                        AND e.state = 'pending' AND e.id < d.id)
                ORDER BY d.next_attempt_at, d.id
                LIMIT @max
                FOR UPDATE OF d SKIP LOCKED)
            UPDATE alert_deliveries d SET claimed_by = @owner, claimed_until = now() + @lease, attempts = d.attempts + 1
            FROM due WHERE d.id = due.id
            RETURNING {string.Join(", ", DeliveryRow.Columns.Split(", ").Select(c => "d." + c))}
            """, new { owner, lease, max, onlyId });
        return rows.OrderBy(r => r.Id).ToList();
    }

    /// <summary>
    /// Stores an attempt's outcome and the channel's latest delivery fields. A failed attempt is stored only by the
    /// claim's owner (a silo whose lease ran out does not overwrite its successor); an accepted one always. A retry of
    /// a triggered or reminder notice whose incident has resolved meanwhile becomes <c>cancelled</c>.
    /// Answers the delivery, and the channel when it changed (a 410 disabled it); null when the row was not ours.
    /// </summary>
    public async Task<(DeliveryRow Delivery, ChannelRow? DisabledChannel)?> FinishAsync(long id, string owner, DeliveryOutcome outcome)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var row = await connection.QuerySingleOrDefaultAsync<DeliveryRow>($"""
            UPDATE alert_deliveries d SET
                state = CASE WHEN @State = 'pending' AND d.event IN ('triggered', 'reminder')
                              AND EXISTS (SELECT 1 FROM incidents i WHERE i.id = d.incident_id AND i.status = 'resolved')
                             THEN 'cancelled' ELSE @State END,
                last_status_code = @StatusCode, last_error = @Error, next_attempt_at = @NextAttemptAt, sent_at = @SentAt,
                claimed_by = NULL, claimed_until = NULL
            WHERE d.id = @id AND d.state = 'pending' AND (d.claimed_by = @owner OR @State = 'sent')
            RETURNING {string.Join(", ", DeliveryRow.Columns.Split(", ").Select(c => "d." + c))}
            """, new { id, owner, outcome.State, outcome.StatusCode, outcome.Error, outcome.NextAttemptAt, outcome.SentAt }, transaction);
        if (row is null)
        {
            await transaction.CommitAsync();
            return null;
        }

        var channel = await connection.QuerySingleOrDefaultAsync<ChannelRow>($"""
            UPDATE alert_channels SET last_delivery_at = now(), last_delivery_state = @State, last_error = @Error,
                enabled = enabled AND NOT @DisableChannel
            WHERE id = @ChannelId
            RETURNING {ChannelStore.Columns}
            """, new { row.State, outcome.Error, outcome.DisableChannel, row.ChannelId }, transaction);
        await transaction.CommitAsync();
        return (row, outcome.DisableChannel ? channel : null);
    }

    /// <summary>The delivery's channel and the records it is about, as they are now (null when the channel is gone).</summary>
    public async Task<NotificationRecords?> LoadRecordsAsync(DeliveryRow delivery)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var channel = await connection.QuerySingleOrDefaultAsync<ChannelRow>($"SELECT {ChannelStore.Columns} FROM alert_channels WHERE id = @ChannelId", new { delivery.ChannelId });
        if (channel is null)
        {
            return null;
        }

        ClientRecord? client = null;
        if ((delivery.ClientId ?? channel.ClientId) is { } clientId)
        {
            await using var command = new NpgsqlCommand($"SELECT {ClientStore.Select("c")} FROM clients c WHERE c.id = $1", connection);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = clientId });
            await using var reader = await command.ExecuteReaderAsync();
            client = await reader.ReadAsync() ? ClientStore.Read(reader) : null;
        }

        ServiceRecord? service = null;
        StatusRecord? status = null;
        if (delivery.ServiceId is { } serviceId)
        {
            await using (var reader = await connection.ExecuteReaderAsync($"SELECT {ServiceRows.Select} FROM client_services s {ServiceRows.LatestJoin} WHERE s.id = @serviceId", new { serviceId }))
            {
                if (await reader.ReadAsync())
                {
                    var (config, runtime) = ServiceRows.Parser(reader)(reader);
                    service = config.ToRecord(runtime);
                }
            }

            await using var command = new NpgsqlCommand($"SELECT {QueryGrain.StatusColumns} FROM service_status t WHERE t.service_id = $1 ORDER BY t.checked_at DESC LIMIT 1", connection);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = serviceId });
            await using var statusReader = await command.ExecuteReaderAsync();
            status = await statusReader.ReadAsync() ? QueryGrain.ReadStatus(statusReader) : null;
        }

        var incident = delivery.IncidentId is { } incidentId
            ? (await connection.QuerySingleOrDefaultAsync<IncidentRow>($"SELECT {IncidentRow.Columns} FROM incidents WHERE id = @incidentId", new { incidentId }))?.ToRecord()
            : null;
        return new NotificationRecords(channel, client, service, incident, status);
    }
}

/// <summary>What a delivery is about, read for one attempt.</summary>
public sealed record NotificationRecords(ChannelRow Channel, ClientRecord? Client, ServiceRecord? Service, IncidentRecord? Incident, StatusRecord? Status);
