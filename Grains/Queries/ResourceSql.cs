using Monitoring.Grains.Data;
using Monitoring.Grains.Interfaces.Queries;

namespace Monitoring.Grains.Queries;

/// <summary>
/// How a resource's fields map to SQL: each queryable field's column expression, the FROM clause, and the
/// join that only some fields need (the latest result of a service).
/// </summary>
public sealed class ResourceSql
{
    public static readonly ResourceSql Clients = new(
        Resource.Clients,
        "clients c",
        join: null,
        scopeColumn: "c.id",
        idColumn: "c.id",
        defaultSort: [new SortKey("id", false)],
        new Dictionary<string, string>
        {
            ["id"] = "c.id",
            ["name"] = "c.name",
            ["description"] = "c.description",
            ["contact_email"] = "c.contact_email",
            ["created_at"] = "c.created_at",
            ["updated_at"] = "c.updated_at",
        });

    public static readonly ResourceSql ClientServices = new(
        Resource.ClientServices,
        "client_services s",
        join: ServiceRows.LatestJoin,
        scopeColumn: "s.client_id",
        idColumn: "s.id",
        defaultSort: [new SortKey("id", false)],
        new Dictionary<string, string>
        {
            ["id"] = "s.id",
            ["client_id"] = "s.client_id",
            ["name"] = "s.name",
            ["endpoint_url"] = "s.endpoint_url",
            ["method"] = "s.method",
            ["expected_status_code"] = "s.expected_status_code",
            ["timeout_ms"] = "s.timeout_ms",
            ["degraded_threshold_ms"] = "s.degraded_threshold_ms",
            ["cron_timezone"] = "s.cron_timezone",
            ["cron_schedule"] = "s.cron_schedule",
            ["enabled"] = "s.enabled",
            ["basic_auth_username"] = "s.basic_auth_username",
            ["has_basic_auth_password"] = "(s.basic_auth_password IS NOT NULL)",
            ["last_status"] = "latest.status",
            ["last_checked_at"] = "latest.checked_at",
            ["last_response_time_ms"] = "latest.response_time_ms",
            ["created_at"] = "s.created_at",
            ["updated_at"] = "s.updated_at",
        },
        joinedFields: ["last_status", "last_checked_at", "last_response_time_ms"]);

    /// <summary>
    /// Default order checked_at, id: served by the (service_id, checked_at) and (client_id, checked_at)
    /// indexes for the usual filters, and the order in which results were stored.
    /// </summary>
    public static readonly ResourceSql ServiceStatus = new(
        Resource.ServiceStatus,
        "service_status t",
        join: null,
        scopeColumn: "t.client_id",
        idColumn: "t.id",
        defaultSort: [new SortKey("checked_at", false)],
        new Dictionary<string, string>
        {
            ["id"] = "t.id",
            ["service_id"] = "t.service_id",
            ["client_id"] = "t.client_id",
            ["status"] = "t.status",
            ["status_code"] = "t.status_code",
            ["response_time_ms"] = "t.response_time_ms",
            ["reported_status"] = "t.reported_status",
            ["error"] = "t.error",
            ["trigger"] = "t.trigger",
            ["checked_at"] = "t.checked_at",
        });

    private readonly IReadOnlyDictionary<string, string> columns;
    private readonly HashSet<string> joinedFields;

    private ResourceSql(
        Resource resource,
        string from,
        string? join,
        string scopeColumn,
        string idColumn,
        IReadOnlyList<SortKey> defaultSort,
        IReadOnlyDictionary<string, string> columns,
        IReadOnlyList<string>? joinedFields = null)
    {
        Resource = resource;
        From = from;
        Join = join;
        ScopeColumn = scopeColumn;
        IdColumn = idColumn;
        DefaultSort = defaultSort;
        this.columns = columns;
        this.joinedFields = [.. joinedFields ?? []];
    }

    public Resource Resource { get; }

    public string From { get; }

    public string? Join { get; }

    public string ScopeColumn { get; }

    public string IdColumn { get; }

    public IReadOnlyList<SortKey> DefaultSort { get; }

    public string Column(string field) =>
        columns.TryGetValue(field, out var column) ? column : throw new ArgumentException($"'{field}' cannot be queried", nameof(field));

    public bool NeedsJoin(string field) => joinedFields.Contains(field);
}
