using Monitoring.Grains.Interfaces.Models;
using System.Data.Common;
using Dapper;
using Monitoring.Grains.Services;

namespace Monitoring.Grains.Data;

/// <summary>How a client_services row and its latest result are selected and read, for the grain and for finds.</summary>
internal static class ServiceRows
{
    /// <summary>The config's columns (alias s) and the latest result's (alias latest), named as the properties they fill.</summary>
    public static readonly string Select = ServiceColumns.Select("s")
        + """, latest.status AS "LastStatus", latest.checked_at AS "LastCheckedAt", latest.response_time_ms AS "LastResponseTimeMs", o.tls_expires_at AS "TlsExpiresAt", o.run_started_at AS "RunStartedAt", o.decided_through AS "DecidedThrough" """;

    /// <summary>Joins each row of client_services s with its observations (o) and its latest result (one index probe per row).</summary>
    public const string LatestJoin = """
        LEFT JOIN service_observations o ON o.service_id = s.id
        LEFT JOIN LATERAL (
            SELECT st.status, st.checked_at, st.response_time_ms FROM service_status st
            WHERE st.service_id = s.id ORDER BY st.checked_at DESC LIMIT 1) latest ON true
        """;

    /// <summary>A reader of rows selected with <see cref="Select"/>: the config (texts shared) and its latest result.</summary>
    public static Func<DbDataReader, (ServiceConfig Config, ServiceRuntime Runtime)> Parser(DbDataReader reader)
    {
        var config = reader.GetRowParser<ServiceConfig>();
        var latest = reader.GetRowParser<LatestRow>();
        return row =>
        {
            var parsed = config(row);
            var result = latest(row);
            return (
                parsed with { Method = SharedText.Of(parsed.Method), Type = SharedText.Of(parsed.Type), CronSchedule = SharedText.Of(parsed.CronSchedule), CronTimezone = SharedText.Of(parsed.CronTimezone) },
                new ServiceRuntime(result.LastStatus is { } status ? HealthStatusNames.FromWire(status) : null, result.LastCheckedAt, result.LastResponseTimeMs, null)
                {
                    TlsExpiresAt = result.TlsExpiresAt,
                    RunStartedAt = result.RunStartedAt,
                    DecidedThrough = result.DecidedThrough,
                });
        };
    }

    private sealed class LatestRow
    {
        public string? LastStatus { get; init; }

        public DateTimeOffset? LastCheckedAt { get; init; }

        public int? LastResponseTimeMs { get; init; }

        public DateTimeOffset? TlsExpiresAt { get; init; }

        public DateTimeOffset? RunStartedAt { get; init; }

        public DateTimeOffset? DecidedThrough { get; init; }
    }
}
