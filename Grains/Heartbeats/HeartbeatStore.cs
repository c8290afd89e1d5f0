using Monitoring.Grains.Data;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Queries;
using Npgsql;
using NpgsqlTypes;

namespace Monitoring.Grains.Heartbeats;

/// <summary>
/// The SQL of heartbeats. A missed occurrence (or an unfinished run) is decided and stored in one statement: the row
/// goes in only when no report lies in its window, and the unique (service_id, due_key) makes a second attempt (another
/// silo, a duplicate activation, a catch-up after a failover) a no-op. So the database, not a silo's memory, decides.
/// The same statement moves the service's decided-through mark, from which a later activation goes on.
/// </summary>
/// <remarks>Rows stored here bypass the result writer, so they are counted into its written-results counter here.</remarks>
public sealed class HeartbeatStore(NpgsqlDataSource dataSource, History.HistoryMetrics metrics)
{
    /// <summary>
    /// One deadline to decide: the window a report must lie in (exclusive start unless <see cref="WindowStartInclusive"/>,
    /// inclusive end, which is also the result's checked_at), what the result stands for (<see cref="Key"/>, unique per
    /// service), its response time and error, and whether it falls in a maintenance window.
    /// </summary>
    public readonly record struct Deadline(
        DateTimeOffset WindowStart, DateTimeOffset DueAt, bool WindowStartInclusive, string Key, int ResponseTimeMs, string Error, bool InMaintenance);

    private const string Decide = $"""
        WITH decided AS (
            INSERT INTO service_observations (service_id, decided_through) VALUES ($1, $9)
            ON CONFLICT (service_id) DO UPDATE SET decided_through = greatest(service_observations.decided_through, excluded.decided_through)
        )
        INSERT INTO service_status AS t (service_id, client_id, status, status_code, response_time_ms, error, trigger, checked_at, in_maintenance, due_key)
        SELECT $1, $2, 'down', NULL, d.response_time_ms, d.error, 'schedule', d.due_at, d.in_maintenance, d.due_key
        FROM unnest($3::timestamptz[], $4::timestamptz[], $5::boolean[], $6::text[], $7::integer[], $8::text[], $10::boolean[])
             AS d(window_start, due_at, inclusive, due_key, response_time_ms, error, in_maintenance)
        WHERE NOT EXISTS (
            SELECT 1 FROM service_status r
            WHERE r.service_id = $1 AND r.trigger = 'ping' AND r.checked_at <= d.due_at
              AND (r.checked_at > d.window_start OR (d.inclusive AND r.checked_at = d.window_start)))
          -- The unique index holds checked_at too (a partitioned table's must): a deadline decided before under another
          -- grace (so another checked_at) is found by its key.
          AND NOT EXISTS (SELECT 1 FROM service_status k WHERE k.service_id = $1 AND k.due_key = d.due_key)
        ORDER BY d.due_at
        ON CONFLICT (service_id, due_key, checked_at) WHERE due_key IS NOT NULL DO NOTHING
        RETURNING {QueryGrain.StatusColumns}
        """;

    /// <summary>The heartbeat whose token hashes to <paramref name="tokenHash"/>, or null.</summary>
    public async Task<long?> FindServiceAsync(byte[] tokenHash)
    {
        await using var command = dataSource.CreateCommand("SELECT id FROM client_services WHERE ping_token_hash = $1 AND type = 'heartbeat'").With(tokenHash);
        return await command.ExecuteScalarAsync() is long id ? id : null;
    }

    /// <summary>
    /// Stores a down result for each deadline with no report in its window, and marks the service's occurrences decided
    /// through <paramref name="decidedThrough"/> (never moving the mark back); answers the rows stored now, oldest first.
    /// A deadline stored before (by anyone) is skipped.
    /// </summary>
    public async Task<IReadOnlyList<StatusRecord>> DecideAsync(long serviceId, long clientId, IReadOnlyList<Deadline> deadlines, DateTimeOffset decidedThrough)
    {
        await using var command = dataSource.CreateCommand(Decide)
            .With(serviceId)
            .With(clientId)
            .With(deadlines.Select(d => d.WindowStart.UtcDateTime).ToArray())
            .With(deadlines.Select(d => d.DueAt.UtcDateTime).ToArray())
            .With(deadlines.Select(d => d.WindowStartInclusive).ToArray())
            .With(deadlines.Select(d => d.Key).ToArray())
            .With(deadlines.Select(d => d.ResponseTimeMs).ToArray())
            .With(deadlines.Select(d => d.Error).ToArray())
            .With(decidedThrough.UtcDateTime)
            .With(deadlines.Select(d => d.InMaintenance).ToArray());
        await using var reader = await command.ExecuteReaderAsync();
        var stored = new List<StatusRecord>();
        while (await reader.ReadAsync())
        {
            stored.Add(QueryGrain.ReadStatus(reader));
        }

        stored.Sort((a, b) => a.CheckedAt.CompareTo(b.CheckedAt));
        metrics.Written.Add(stored.Count);
        return stored;
    }

    /// <summary>Records (or, with null, clears) the /start of the run under way.</summary>
    public async Task SetRunStartedAsync(long serviceId, DateTimeOffset? startedAt)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO service_observations (service_id, run_started_at) VALUES ($1, $2)
            ON CONFLICT (service_id) DO UPDATE SET run_started_at = excluded.run_started_at
            """).With(serviceId).WithNullable(startedAt?.UtcDateTime, NpgsqlDbType.TimestampTz);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Sets the decided-through mark (when a heartbeat starts counting: created, enabled or rescheduled), also backwards.</summary>
    public async Task SetDecidedThroughAsync(long serviceId, DateTimeOffset decidedThrough)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO service_observations (service_id, decided_through) VALUES ($1, $2)
            ON CONFLICT (service_id) DO UPDATE SET decided_through = excluded.decided_through
            """).With(serviceId).With(decidedThrough.UtcDateTime);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Records the certificate's notAfter seen by the latest check that saw one (null: the endpoint changed, none seen since).</summary>
    public async Task SetTlsExpiresAtAsync(long serviceId, DateTimeOffset? expiresAt)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO service_observations (service_id, tls_expires_at) VALUES ($1, $2)
            ON CONFLICT (service_id) DO UPDATE SET tls_expires_at = excluded.tls_expires_at
            """).With(serviceId).WithNullable(expiresAt?.UtcDateTime, NpgsqlDbType.TimestampTz);
        await command.ExecuteNonQueryAsync();
    }
}
