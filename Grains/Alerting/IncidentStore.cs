using System.Data.Common;
using Dapper;
using Monitoring.Grains.Data;
using Monitoring.Grains.Interfaces.Models;
using Npgsql;

namespace Monitoring.Grains.Alerting;

/// <summary>What a service's grain needs to rebuild its tracker: the open incident, and the results it has not counted yet (oldest first).</summary>
public sealed record IncidentHistory(IncidentRow? Open, DateTimeOffset? CountedUntil, IReadOnlyList<TrackedCheck> Uncounted)
{
    /// <summary>The history of a service just created (its id is new: nothing was ever stored for it).</summary>
    public static IncidentHistory None { get; } = new(null, null, []);
}

/// <summary>
/// The SQL of incidents, used only by the service's grain. Every change that notifies writes its deliveries
/// (the outbox) in the same transaction, before any of them can be attempted; the partial unique index on
/// open incidents makes a second open of one service, by any silo, a no-op that answers the incident already open.
/// </summary>
public sealed class IncidentStore(NpgsqlDataSource dataSource, DeliverySignal signal)
{
    /// <summary>At most this many uncounted results are replayed when a grain rebuilds its streak.</summary>
    public const int MaxReplayed = 200;

    private const string InsertDeliveries = """
        INSERT INTO alert_deliveries (channel_id, client_id, incident_id, service_id, event, next_attempt_at)
        SELECT c.id, @ClientId, @IncidentId, @ServiceId, @Event, now()
        FROM alert_channels c
        WHERE c.enabled AND (c.client_id = @ClientId OR c.client_id IS NULL) AND {0}
        ORDER BY c.id
        """;

    // Resolved and reminder notices go to the channels that were told of the incident (their triggered notice was not cancelled).
    private const string ToldChannels =
        "c.id IN (SELECT d.channel_id FROM alert_deliveries d WHERE d.incident_id = @IncidentId AND d.event = 'triggered' AND d.state <> 'cancelled')";

    // A reminder is not queued behind a notice of the incident the channel has not taken yet (a receiver that is down
    // would otherwise collect one per interval).
    private const string NothingPending =
        "NOT EXISTS (SELECT 1 FROM alert_deliveries p WHERE p.incident_id = @IncidentId AND p.channel_id = c.id AND p.state = 'pending')";

    static IncidentStore() => DapperSetup.Ensure();

    /// <summary>
    /// The statements that read the <see cref="IncidentHistory"/> of each service of <c>@serviceIds</c> (a bigint array;
    /// <c>@replayed</c> as well; two result sets, read by <see cref="ReadHistoriesAsync"/>): the open incidents, and per
    /// service the results after the last one counted (after the latest resolve when none is open), at most
    /// <see cref="MaxReplayed"/>; without an open incident only the newest <c>failure_threshold</c> of the service's row
    /// matter (the trailing bad streak), so no more are read. An activation reads them in the round trip that reads the
    /// service's row (<see cref="ServiceStore.LoadManyAsync"/>), a sweep for a thousand services at once.
    /// </summary>
    public const string HistorySql = $"""
        SELECT {IncidentRow.Columns} FROM incidents WHERE service_id = ANY(@serviceIds) AND status = 'open';
        SELECT ids.id AS service_id, since.counted_until, r.checked_at, r.status, r.error, r.in_maintenance
        FROM unnest(@serviceIds::bigint[]) AS ids (id)
        CROSS JOIN LATERAL (
            SELECT coalesce(
                (SELECT last_checked_at FROM incidents WHERE service_id = ids.id AND status = 'open'),
                (SELECT max(resolved_at) FROM incidents WHERE service_id = ids.id)) AS counted_until,
                EXISTS (SELECT 1 FROM incidents WHERE service_id = ids.id AND status = 'open') AS is_open,
                coalesce((SELECT least(greatest(failure_threshold, 1), @replayed) FROM client_services WHERE id = ids.id), 1) AS streak) since
        LEFT JOIN LATERAL (
            SELECT checked_at, status, error, in_maintenance FROM service_status
            WHERE service_id = ids.id AND (since.counted_until IS NULL OR checked_at > since.counted_until) AND NOT in_maintenance
            ORDER BY checked_at DESC
            LIMIT CASE WHEN since.is_open THEN @replayed ELSE since.streak END) r ON true
        ORDER BY ids.id, r.checked_at DESC
        """;

    /// <summary>Reads <see cref="HistorySql"/> in a round trip of its own: at a first result when what the activation read cannot stand in (see <c>ServiceAlerting</c>).</summary>
    public async Task<IncidentHistory> LoadHistoryAsync(long serviceId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var reader = await connection.ExecuteReaderAsync(HistorySql, new { serviceIds = new[] { serviceId }, replayed = MaxReplayed });
        return (await ReadHistoriesAsync(reader))[serviceId];
    }

    /// <summary>
    /// Reads the two result sets of <see cref="HistorySql"/>, the reader standing at the first of them: the history of
    /// every service asked for (one whose row is gone reads as never checked), by service id.
    /// </summary>
    public static async Task<Dictionary<long, IncidentHistory>> ReadHistoriesAsync(DbDataReader reader)
    {
        var open = new Dictionary<long, IncidentRow>();
        var parseOpen = reader.GetRowParser<IncidentRow>();
        while (await reader.ReadAsync())
        {
            var row = parseOpen(reader);
            open[row.ServiceId] = row;
        }

        await reader.NextResultAsync();
        var parseResult = reader.GetRowParser<ResultRow>();
        var histories = new Dictionary<long, IncidentHistory>();
        var rows = new List<ResultRow>();
        while (await reader.ReadAsync())
        {
            var row = parseResult(reader);
            if (rows.Count > 0 && rows[0].ServiceId != row.ServiceId)
            {
                Add(rows);
            }

            rows.Add(row);
        }

        if (rows.Count > 0)
        {
            Add(rows);
        }

        return histories;

        // Rows of one service, newest first.
        void Add(List<ResultRow> ofService)
        {
            var serviceId = ofService[0].ServiceId;
            var uncounted = ofService.Where(r => r.CheckedAt is not null).Reverse()
                .Select(r => new TrackedCheck(r.CheckedAt!.Value, HealthStatusNames.FromWire(r.Status!), r.Error, r.InMaintenance ?? false)).ToList();
            histories[serviceId] = new IncidentHistory(open.GetValueOrDefault(serviceId), ofService[0].CountedUntil, uncounted);
            ofService.Clear();
        }
    }

    /// <summary>
    /// Opens the incident and queues its triggered notices (unless the service it depends on has an open
    /// incident: then it opens suppressed and notifies nobody). When one is open already, answers that one.
    /// </summary>
    public async Task<(IncidentRow Row, bool Created)> OpenAsync(AlertingTarget target, OpenIncident incident, DateTimeOffset countedUntil)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var suppressed = target.DependsOnServiceId is { } parent && await connection.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM incidents WHERE service_id = @parent AND status = 'open')", new { parent }, transaction);
        var row = await connection.QuerySingleOrDefaultAsync<IncidentRow>($"""
            INSERT INTO incidents (service_id, client_id, status, severity, started_at, confirmed_at, first_error, last_error, bad_checks, suppressed, last_checked_at, last_notified_at)
            VALUES (@ServiceId, @ClientId, 'open', @Severity, @StartedAt, @ConfirmedAt, @FirstError, @LastError, @BadChecks, @Suppressed, @CountedUntil,
                    CASE WHEN @Suppressed THEN NULL ELSE now() END)
            ON CONFLICT (service_id) WHERE status = 'open' DO NOTHING
            RETURNING {IncidentRow.Columns}
            """, new
        {
            target.ServiceId,
            target.ClientId,
            Severity = incident.Severity.ToWire(),
            incident.StartedAt,
            incident.ConfirmedAt,
            incident.FirstError,
            incident.LastError,
            incident.BadChecks,
            Suppressed = suppressed,
            CountedUntil = countedUntil,
        }, transaction);
        if (row is null)
        {
            var open = await connection.QuerySingleAsync<IncidentRow>(
                $"SELECT {IncidentRow.Columns} FROM incidents WHERE service_id = @ServiceId AND status = 'open'", new { target.ServiceId }, transaction);
            await transaction.CommitAsync();
            return (open, false);
        }

        var queued = suppressed ? 0 : await QueueAsync(connection, transaction, target, row.Id, "triggered", "c.id = ANY(@ChannelIds)");
        await transaction.CommitAsync();
        Signal(queued);
        return (row, true);
    }

    /// <summary>Counts more bad checks into the open incident; null when it is no longer open.</summary>
    public async Task<IncidentRow?> UpdateAsync(long incidentId, OpenIncident incident, DateTimeOffset countedUntil)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<IncidentRow>($"""
            UPDATE incidents SET severity = @Severity, bad_checks = @BadChecks, last_error = @LastError, last_checked_at = @CountedUntil
            WHERE id = @incidentId AND status = 'open'
            RETURNING {IncidentRow.Columns}
            """, new { incidentId, Severity = incident.Severity.ToWire(), incident.BadChecks, incident.LastError, CountedUntil = countedUntil });
    }

    /// <summary>
    /// Resolves the incident, cancels its triggered and reminder notices that have not left, and queues a
    /// resolved notice to every channel that was told of it and wants one; null when it was not open.
    /// </summary>
    public async Task<IncidentRow?> ResolveAsync(AlertingTarget target, long incidentId, DateTimeOffset resolvedAt, string reason, DateTimeOffset countedUntil)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var row = await connection.QuerySingleOrDefaultAsync<IncidentRow>($"""
            UPDATE incidents SET status = 'resolved', resolved_at = @resolvedAt, resolved_reason = @reason,
                last_checked_at = greatest(last_checked_at, @countedUntil)
            WHERE id = @incidentId AND status = 'open'
            RETURNING {IncidentRow.Columns}
            """, new { incidentId, resolvedAt, reason, countedUntil }, transaction);
        if (row is null)
        {
            await transaction.CommitAsync();
            return null;
        }

        await connection.ExecuteAsync("""
            UPDATE alert_deliveries SET state = 'cancelled', next_attempt_at = NULL
            WHERE incident_id = @incidentId AND state = 'pending' AND event IN ('triggered', 'reminder')
              AND (claimed_until IS NULL OR claimed_until < now())
            """, new { incidentId }, transaction);
        var queued = await QueueAsync(connection, transaction, target, incidentId, "resolved", "c.send_resolved AND " + ToldChannels);
        await transaction.CommitAsync();
        Signal(queued);
        return row;
    }

    /// <summary>Queues a reminder to the channels told of the open, unacknowledged, unsuppressed incident (PagerDuty takes none).</summary>
    public async Task<IncidentRow?> RemindAsync(AlertingTarget target, long incidentId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var row = await connection.QuerySingleOrDefaultAsync<IncidentRow>($"""
            UPDATE incidents SET last_notified_at = now()
            WHERE id = @incidentId AND status = 'open' AND NOT suppressed AND acknowledged_at IS NULL
            RETURNING {IncidentRow.Columns}
            """, new { incidentId }, transaction);
        var queued = row is null ? 0 : await QueueAsync(connection, transaction, target, incidentId, "reminder", "c.type <> 'pagerduty' AND " + ToldChannels + " AND " + NothingPending);
        await transaction.CommitAsync();
        Signal(queued);
        return row;
    }

    /// <summary>Sets (true) or clears (false) acknowledged_at; null when the service has no such incident.</summary>
    public async Task<IncidentRow?> AcknowledgeAsync(long serviceId, long incidentId, bool acknowledged)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<IncidentRow>($"""
            UPDATE incidents SET acknowledged_at = CASE WHEN @acknowledged THEN coalesce(acknowledged_at, now()) ELSE NULL END
            WHERE id = @incidentId AND service_id = @serviceId
            RETURNING {IncidentRow.Columns}
            """, new { serviceId, incidentId, acknowledged });
    }

    private static Task<int> QueueAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AlertingTarget target, long incidentId, string kind, string channels) =>
        connection.ExecuteAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, InsertDeliveries, channels), new
        {
            target.ClientId,
            IncidentId = incidentId,
            target.ServiceId,
            Event = kind,
            target.ChannelIds,
        }, transaction);

    private void Signal(int queued)
    {
        if (queued > 0)
        {
            signal.Raise();
        }
    }

    private sealed class ResultRow
    {
        public long ServiceId { get; init; }

        public DateTimeOffset? CountedUntil { get; init; }

        public DateTimeOffset? CheckedAt { get; init; }

        public string? Status { get; init; }

        public string? Error { get; init; }

        public bool? InMaintenance { get; init; }
    }
}

/// <summary>The service an incident change is about: its ids, the channels it alerts and the service it depends on.</summary>
public sealed record AlertingTarget(long ServiceId, long ClientId, long[] ChannelIds, long? DependsOnServiceId);
