using Dapper;
using Monitoring.Grains.Services;

namespace Monitoring.Grains.Data;

/// <summary>
/// The one place that says which columns of client_services a service's config is stored in. Everything else
/// follows from this list: the SELECT (each column read into the <see cref="ServiceConfig"/> property of the
/// same name in PascalCase, by Dapper), the INSERT and the UPDATE (each bound from that property). A new
/// field is its property on <see cref="ServiceConfig"/>, its column here and in a migration.
/// </summary>
internal static class ServiceColumns
{
    /// <summary>Written by the grain, in this order; <c>basic_auth_password</c> holds <see cref="ServiceConfig.PasswordCiphertext"/>.</summary>
    public static readonly IReadOnlyList<string> Written =
    [
        "id", "client_id", "name", "endpoint_url", "method", "expected_status_code", "timeout_ms", "degraded_threshold_ms",
        "cron_schedule", "cron_timezone", "enabled", "basic_auth_username", "basic_auth_password",
        "alert_channel_ids", "failure_threshold", "success_threshold", "alert_on", "renotify_minutes", "depends_on_service_id",
        "type", "request_body", "request_headers", "follow_redirects", "tls_verify", "tls_expiry_days", "conditions", "grace_seconds",
        "ping_token_hash", "ping_token_ciphertext", "public",
    ];

    /// <summary>Set by PostgreSQL, read back.</summary>
    public static readonly IReadOnlyList<string> Generated = ["created_at", "updated_at"];

    private static readonly Dictionary<string, string> Renamed = new() { ["basic_auth_password"] = nameof(ServiceConfig.PasswordCiphertext) };

    static ServiceColumns() => DapperSetup.Ensure();

    /// <summary>The config's columns of client_services alias <paramref name="alias"/>, named as the properties they fill.</summary>
    public static string Select(string alias) =>
        string.Join(", ", Written.Concat(Generated).Select(c => $"{alias}.{c} AS \"{Property(c)}\""));

    public static string Insert { get; } =
        $"INSERT INTO client_services ({string.Join(", ", Written)}) VALUES ({string.Join(", ", Written.Select(c => "@" + Property(c)))}) RETURNING {Returning(Generated)}";

    public static string Update { get; } =
        $"UPDATE client_services SET {string.Join(", ", Written.Skip(1).Select(c => $"{c} = @{Property(c)}"))} WHERE id = @Id RETURNING {Returning(["updated_at"])}";

    private static string Returning(IEnumerable<string> columns) => string.Join(", ", columns.Select(c => $"{c} AS \"{Property(c)}\""));

    /// <summary>The property a column fills: PascalCase of the column, unless renamed.</summary>
    public static string Property(string column) =>
        Renamed.TryGetValue(column, out var renamed) ? renamed : string.Concat(column.Split('_').Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
}
