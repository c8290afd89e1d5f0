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
        new("endpoint_url", FieldKind.Text),
        new("method", FieldKind.Text, AllowedValues: ["GET", "HEAD"]),
        new("expected_status_code", FieldKind.Integer),
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
        new("trigger", FieldKind.Text, AllowedValues: ["schedule", "manual"]),
        new("checked_at", FieldKind.Time),
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
