using Monitoring.Grains.Services;
using Npgsql;

namespace Monitoring.Grains.Data;

/// <summary>How a client_services row and its latest result are selected and read, for the grain and for finds.</summary>
internal static class ServiceRows
{
    /// <summary>The row's columns (alias s) and the latest result's (alias latest), in the order <see cref="Read"/> expects.</summary>
    public const string Columns = """
        s.id, s.client_id, s.name, s.endpoint_url, s.method, s.expected_status_code, s.timeout_ms, s.degraded_threshold_ms,
        s.cron_schedule, s.cron_timezone, s.enabled, s.basic_auth_username, s.basic_auth_password, s.created_at, s.updated_at,
        latest.status, latest.checked_at, latest.response_time_ms
        """;

    /// <summary>Joins each row of client_services s with its latest result (one index probe per row).</summary>
    public const string LatestJoin = """
        LEFT JOIN LATERAL (
            SELECT st.status, st.checked_at, st.response_time_ms FROM service_status st
            WHERE st.service_id = s.id ORDER BY st.checked_at DESC LIMIT 1) latest ON true
        """;

    public static (ServiceConfig Config, string? LastStatus, DateTimeOffset? LastCheckedAt, int? LastResponseTimeMs) Read(NpgsqlDataReader reader) =>
    (
        new ServiceConfig
        {
            Id = reader.GetInt64(0),
            ClientId = reader.GetInt64(1),
            Name = reader.GetString(2),
            EndpointUrl = reader.GetString(3),
            Method = SharedText.Of(reader.GetString(4)),
            ExpectedStatusCode = reader.GetInt32(5),
            TimeoutMs = reader.GetInt32(6),
            DegradedThresholdMs = reader.GetNullableInt32(7),
            CronSchedule = SharedText.Of(reader.GetString(8)),
            CronTimezone = SharedText.Of(reader.GetString(9)),
            Enabled = reader.GetBoolean(10),
            BasicAuthUsername = reader.GetNullableString(11),
            PasswordCiphertext = reader.GetNullableString(12),
            CreatedAt = reader.GetTime(13),
            UpdatedAt = reader.GetTime(14),
        },
        reader.GetNullableString(15),
        reader.GetNullableTime(16),
        reader.GetNullableInt32(17));
}
