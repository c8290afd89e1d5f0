namespace Monitoring.Grains.Interfaces.Queries;

/// <summary>The fields of each resource, shared by the gateway's query parser and the silo's SQL builder.</summary>
public sealed class Resource
{
    private static readonly string[] Statuses = ["up", "degraded", "down"];

    public static readonly Resource Clients = new("clients",
    [
        new("id", FieldKind.Integer),
        new("name", FieldKind.Text),
        new("description", FieldKind.Text, Nullable: true),
        new("contact_email", FieldKind.Text, Nullable: true),
        new("created_at", FieldKind.Time),
        new("updated_at", FieldKind.Time),
    ]);

    public static readonly Resource ClientServices = new("client-services",
    [
        new("id", FieldKind.Integer),
        new("client_id", FieldKind.Integer),
        new("name", FieldKind.Text),
        new("endpoint_url", FieldKind.Text, Nullable: true),
        new("method", FieldKind.Text, Nullable: true, AllowedValues: ["GET", "HEAD", "POST"]),
        new("expected_status_code", FieldKind.Integer, Nullable: true),
        new("timeout_ms", FieldKind.Integer),
        new("degraded_threshold_ms", FieldKind.Integer, Nullable: true),
        new("cron_timezone", FieldKind.Text),
        new("cron_schedule", FieldKind.Text),
        new("enabled", FieldKind.Boolean),
        new("basic_auth_username", FieldKind.Text, Nullable: true),
        new("has_basic_auth_password", FieldKind.Boolean),
        new("last_status", FieldKind.Text, Nullable: true, AllowedValues: Statuses),
        new("last_checked_at", FieldKind.Time, Nullable: true),
        new("last_response_time_ms", FieldKind.Integer, Nullable: true),
        new("next_check_at", FieldKind.Time, Nullable: true, Queryable: false),
        new("created_at", FieldKind.Time),
        new("updated_at", FieldKind.Time),
        new("alert_channel_ids", FieldKind.Integer, Queryable: false),
        new("failure_threshold", FieldKind.Integer),
        new("success_threshold", FieldKind.Integer),
        new("alert_on", FieldKind.Text, AllowedValues: ["down", "degraded"]),
        new("renotify_minutes", FieldKind.Integer, Nullable: true),
        new("depends_on_service_id", FieldKind.Integer, Nullable: true),
        new("type", FieldKind.Text, AllowedValues: ["http", "tcp", "heartbeat"]),
        new("request_body", FieldKind.Text, Nullable: true, Queryable: false),
        new("request_headers", FieldKind.Text, Nullable: true, Queryable: false),
        new("follow_redirects", FieldKind.Boolean, Nullable: true),
        new("tls_verify", FieldKind.Boolean, Nullable: true),
        new("tls_expiry_days", FieldKind.Integer, Nullable: true),
        new("conditions", FieldKind.Text, Nullable: true, Queryable: false),
        new("grace_seconds", FieldKind.Integer, Nullable: true),
        new("ping_url", FieldKind.Text, Nullable: true, Queryable: false),
        new("tls_expires_at", FieldKind.Time, Nullable: true),
        new("public", FieldKind.Boolean),
    ]);

    public static readonly Resource ServiceStatus = new("service-status",
    [
        new("id", FieldKind.Integer),
        new("service_id", FieldKind.Integer),
        new("client_id", FieldKind.Integer),
        new("status", FieldKind.Text, AllowedValues: Statuses),
        new("status_code", FieldKind.Integer, Nullable: true),
        new("response_time_ms", FieldKind.Integer),
        new("reported_status", FieldKind.Text, Nullable: true),
        new("error", FieldKind.Text, Nullable: true),
        new("details", FieldKind.Text, Nullable: true, Queryable: false),
        new("trigger", FieldKind.Text, AllowedValues: ["schedule", "manual", "ping"]),
        new("checked_at", FieldKind.Time),
        new("in_maintenance", FieldKind.Boolean),
        new("tls_expires_at", FieldKind.Time, Nullable: true),
        new("condition_results", FieldKind.Text, Nullable: true, Queryable: false),
    ]);

    public static readonly Resource Incidents = new("incidents",
    [
        new("id", FieldKind.Integer),
        new("service_id", FieldKind.Integer),
        new("client_id", FieldKind.Integer),
        new("status", FieldKind.Text, AllowedValues: ["open", "resolved"]),
        new("severity", FieldKind.Text, AllowedValues: ["down", "degraded"]),
        new("started_at", FieldKind.Time),
        new("confirmed_at", FieldKind.Time),
        new("resolved_at", FieldKind.Time, Nullable: true),
        new("resolved_reason", FieldKind.Text, Nullable: true, AllowedValues: ["recovered", "disabled"]),
        new("duration_ms", FieldKind.Integer, Nullable: true),
        new("first_error", FieldKind.Text, Nullable: true),
        new("last_error", FieldKind.Text, Nullable: true),
        new("bad_checks", FieldKind.Integer),
        new("suppressed", FieldKind.Boolean),
        new("acknowledged_at", FieldKind.Time, Nullable: true),
        new("created_at", FieldKind.Time),
        new("updated_at", FieldKind.Time),
    ]);

    public static readonly Resource AlertChannels = new("alert-channels",
    [
        new("id", FieldKind.Integer),
        new("client_id", FieldKind.Integer, Nullable: true),
        new("name", FieldKind.Text),
        new("type", FieldKind.Text, AllowedValues: ["webhook", "slack", "discord", "teams", "pagerduty", "email"]),
        new("url", FieldKind.Text, Nullable: true),
        new("has_secret", FieldKind.Boolean),
        new("email_to", FieldKind.Text, Queryable: false),
        new("enabled", FieldKind.Boolean),
        new("send_resolved", FieldKind.Boolean),
        new("last_delivery_at", FieldKind.Time, Nullable: true),
        new("last_delivery_state", FieldKind.Text, Nullable: true, AllowedValues: ["pending", "sent", "failed", "cancelled"]),
        new("last_error", FieldKind.Text, Nullable: true),
        new("created_at", FieldKind.Time),
        new("updated_at", FieldKind.Time),
    ]);

    public static readonly Resource AlertDeliveries = new("alert-deliveries",
    [
        new("id", FieldKind.Integer),
        new("channel_id", FieldKind.Integer),
        new("client_id", FieldKind.Integer, Nullable: true),
        new("incident_id", FieldKind.Integer, Nullable: true),
        new("service_id", FieldKind.Integer, Nullable: true),
        new("event", FieldKind.Text, AllowedValues: ["triggered", "resolved", "reminder", "test"]),
        new("state", FieldKind.Text, AllowedValues: ["pending", "sent", "failed", "cancelled"]),
        new("attempts", FieldKind.Integer),
        new("last_status_code", FieldKind.Integer, Nullable: true),
        new("last_error", FieldKind.Text, Nullable: true),
        new("next_attempt_at", FieldKind.Time, Nullable: true),
        new("sent_at", FieldKind.Time, Nullable: true),
        new("created_at", FieldKind.Time),
    ]);

    public static readonly Resource MaintenanceWindows = new("maintenance-windows",
    [
        new("id", FieldKind.Integer),
        new("client_id", FieldKind.Integer),
        new("name", FieldKind.Text),
        new("service_ids", FieldKind.Integer, Queryable: false),
        new("starts_at", FieldKind.Time, Nullable: true),
        new("ends_at", FieldKind.Time, Nullable: true),
        new("cron_schedule", FieldKind.Text, Nullable: true),
        new("cron_timezone", FieldKind.Text, Nullable: true),
        new("duration_minutes", FieldKind.Integer, Nullable: true),
        new("active", FieldKind.Boolean, Queryable: false),
        new("created_at", FieldKind.Time),
        new("updated_at", FieldKind.Time),
    ]);

    public static readonly Resource StatusPages = new("status-pages",
    [
        new("id", FieldKind.Integer),
        new("client_id", FieldKind.Integer),
        new("slug", FieldKind.Text),
        new("title", FieldKind.Text),
        new("description", FieldKind.Text, Nullable: true),
        new("service_ids", FieldKind.Integer, Queryable: false),
        new("public", FieldKind.Boolean),
        new("created_at", FieldKind.Time),
        new("updated_at", FieldKind.Time),
    ]);

    private readonly Dictionary<string, ResourceField> byName;

    private Resource(string name, IReadOnlyList<ResourceField> fields)
    {
        Name = name;
        Fields = fields;
        byName = fields.ToDictionary(f => f.Name, StringComparer.Ordinal);
    }

    public string Name { get; }

    public IReadOnlyList<ResourceField> Fields { get; }

    public ResourceField? Find(string field) => byName.GetValueOrDefault(field);
}
