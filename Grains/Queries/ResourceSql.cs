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
        Columns(Resource.Clients, "c"));

    public static readonly ResourceSql ClientServices = new(
        Resource.ClientServices,
        "client_services s",
        join: ServiceRows.LatestJoin,
        scopeColumn: "s.client_id",
        idColumn: "s.id",
        defaultSort: [new SortKey("id", false)],
        Columns(Resource.ClientServices, "s", new Dictionary<string, string>
        {
            ["has_basic_auth_password"] = "(s.basic_auth_password IS NOT NULL)",
            ["last_status"] = "latest.status",
            ["last_checked_at"] = "latest.checked_at",
            ["last_response_time_ms"] = "latest.response_time_ms",
            ["tls_expires_at"] = "(CASE WHEN s.type <> 'heartbeat' THEN o.tls_expires_at END)",

            // A field that does not apply to the type reads as null, as the API shows it (the row keeps a default).
            ["method"] = "(CASE WHEN s.type = 'http' THEN s.method END)",
            ["expected_status_code"] = "(CASE WHEN s.type = 'http' THEN s.expected_status_code END)",
            ["follow_redirects"] = "(CASE WHEN s.type = 'http' THEN s.follow_redirects END)",
            ["tls_verify"] = "(CASE WHEN s.type <> 'heartbeat' THEN s.tls_verify END)",
            ["tls_expiry_days"] = "(CASE WHEN s.type <> 'heartbeat' THEN s.tls_expiry_days END)",
            ["degraded_threshold_ms"] = "(CASE WHEN s.type <> 'heartbeat' THEN s.degraded_threshold_ms END)",
            ["basic_auth_username"] = "(CASE WHEN s.type = 'http' THEN s.basic_auth_username END)",
            ["grace_seconds"] = "(CASE WHEN s.type = 'heartbeat' THEN s.grace_seconds END)",
        }),
        joinedFields: ["last_status", "last_checked_at", "last_response_time_ms", "tls_expires_at"]);

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
        Columns(Resource.ServiceStatus, "t"));

    public static readonly ResourceSql Incidents = new(
        Resource.Incidents,
        "incidents i",
        join: null,
        scopeColumn: "i.client_id",
        idColumn: "i.id",
        defaultSort: [new SortKey("id", false)],
        Columns(Resource.Incidents, "i", new Dictionary<string, string>
        {
            ["duration_ms"] = "(extract(epoch FROM (i.resolved_at - i.started_at)) * 1000)::bigint",
        }));

    /// <summary>A client-scoped find sees its client's channels and the shared ones (client_id null).</summary>
    public static readonly ResourceSql AlertChannels = new(
        Resource.AlertChannels,
        "alert_channels_view c",
        join: null,
        scopeColumn: "c.client_id",
        idColumn: "c.id",
        defaultSort: [new SortKey("id", false)],
        Columns(Resource.AlertChannels, "c", new Dictionary<string, string>
        {
            ["has_secret"] = "(c.secret_ciphertext IS NOT NULL)",
        }))
    {
        SharedRowsVisible = true,
        SharedFields = new HashSet<string>(["id", "name", "type", "client_id"], StringComparer.Ordinal),
    };

    public static readonly ResourceSql AlertDeliveries = new(
        Resource.AlertDeliveries,
        "alert_deliveries d",
        join: null,
        scopeColumn: "d.client_id",
        idColumn: "d.id",
        defaultSort: [new SortKey("id", false)],
        Columns(Resource.AlertDeliveries, "d"));

    public static readonly ResourceSql MaintenanceWindows = new(
        Resource.MaintenanceWindows,
        "maintenance_windows w",
        join: null,
        scopeColumn: "w.client_id",
        idColumn: "w.id",
        defaultSort: [new SortKey("id", false)],
        Columns(Resource.MaintenanceWindows, "w"));

    public static readonly ResourceSql StatusPages = new(
        Resource.StatusPages,
        "status_pages p",
        join: null,
        scopeColumn: "p.client_id",
        idColumn: "p.id",
        defaultSort: [new SortKey("id", false)],
        Columns(Resource.StatusPages, "p"));

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

    /// <summary>Whether rows with a null scope column (shared ones) are visible to every client-scoped caller too.</summary>
    public bool SharedRowsVisible { get; private init; }

    /// <summary>The fields a client-scoped caller may read, filter and sort by on shared rows.</summary>
    public IReadOnlySet<string> SharedFields { get; private init; } = new HashSet<string>();

    public string IdColumn { get; }

    public IReadOnlyList<SortKey> DefaultSort { get; }

    public string Column(string field) =>
        columns.TryGetValue(field, out var column) ? column : throw new ArgumentException($"'{field}' cannot be queried", nameof(field));

    public bool NeedsJoin(string field) => joinedFields.Contains(field);

    /// <summary>
    /// Each queryable field of the resource is the column of the same name in the table of <paramref name="alias"/>,
    /// unless <paramref name="derived"/> gives its expression: a field added to the resource (and its table) is
    /// queryable with nothing written here.
    /// </summary>
    private static Dictionary<string, string> Columns(Resource resource, string alias, IReadOnlyDictionary<string, string>? derived = null) =>
        resource.Fields.Where(f => f.Queryable).ToDictionary(f => f.Name, f => derived?.GetValueOrDefault(f.Name) ?? $"{alias}.{f.Name}", StringComparer.Ordinal);
}
