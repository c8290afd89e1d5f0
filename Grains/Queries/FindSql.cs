using System.Text;
using Monitoring.Grains.Interfaces.Queries;
using Npgsql;
using NpgsqlTypes;

namespace Monitoring.Grains.Queries;

/// <summary>
/// Translates a parsed find into parameterised SQL: every value travels as a typed parameter, and field
/// names only select among known column expressions, so nothing a user sends becomes SQL text.
/// Comparisons follow SQL (and so Feathers + Knex): <c>$ne</c> and <c>$nin</c> do not match NULL.
/// </summary>
public sealed class FindSql
{
    private readonly ResourceSql resource;
    private readonly List<NpgsqlParameter> parameters = [];
    private bool needsJoin;

    private FindSql(ResourceSql resource)
    {
        this.resource = resource;
    }

    public string Where { get; private set; } = "true";

    public string OrderBy { get; private set; } = string.Empty;

    public IReadOnlyList<NpgsqlParameter> Parameters => parameters;

    /// <summary>The FROM clause, with the latest-result join only when a filter or sort needs it.</summary>
    public string FromForCount => needsJoin && resource.Join is not null ? $"{resource.From} {resource.Join}" : resource.From;

    public static FindSql Build(ResourceSql resource, FindQuery query, long? scopeClientId)
    {
        var sql = new FindSql(resource);
        var conditions = new List<string>();
        if (scopeClientId is { } scope)
        {
            conditions.Add(resource.SharedRowsVisible && OnlyUses(query, resource.SharedFields)
                ? $"({resource.ScopeColumn} = {sql.Add(scope, NpgsqlDbType.Bigint)} OR {resource.ScopeColumn} IS NULL)"
                : $"{resource.ScopeColumn} = {sql.Add(scope, NpgsqlDbType.Bigint)}");
        }

        if (query.Filter is not null)
        {
            conditions.Add(sql.Condition(query.Filter));
        }

        sql.Where = conditions.Count == 0 ? "true" : string.Join(" AND ", conditions);
        sql.OrderBy = sql.Order(query.Sort.Count > 0 ? query.Sort : resource.DefaultSort);
        return sql;
    }

    /// <summary>
    /// Whether the query filters and sorts on <paramref name="fields"/> only. A client-scoped find that touches another
    /// field leaves shared rows out: what a scoped key may not read of them it may not search by either.
    /// </summary>
    private static bool OnlyUses(FindQuery query, IReadOnlySet<string> fields)
    {
        return query.Sort.All(k => fields.Contains(k.Field)) && (query.Filter is null || Check(query.Filter));

        bool Check(FilterNode node) => node switch
        {
            AllOf all => all.Nodes.All(Check),
            AnyOf any => any.Nodes.All(Check),
            Comparison comparison => fields.Contains(comparison.Field),
            _ => false,
        };
    }

    /// <summary>Copies of the parameters for a second command (a parameter belongs to one command).</summary>
    public IEnumerable<NpgsqlParameter> CloneParameters() => parameters.Select(p => p.Clone());

    private string Order(IReadOnlyList<SortKey> keys)
    {
        var parts = new List<string>();
        foreach (var key in keys)
        {
            Use(key.Field);
            parts.Add($"{resource.Column(key.Field)} {(key.Descending ? "DESC" : "ASC")}");
        }

        if (!keys.Any(k => k.Field == "id"))
        {
            parts.Add($"{resource.IdColumn} {(keys.Count > 0 && keys[^1].Descending ? "DESC" : "ASC")}");
        }

        return string.Join(", ", parts);
    }

    private string Condition(FilterNode node) => node switch
    {
        AllOf all => all.Nodes.Count == 0 ? "true" : "(" + string.Join(" AND ", all.Nodes.Select(Condition)) + ")",
        AnyOf any => any.Nodes.Count == 0 ? "false" : "(" + string.Join(" OR ", any.Nodes.Select(Condition)) + ")",
        Comparison comparison => Compare(comparison),
        _ => throw new ArgumentException($"Unknown filter node {node.GetType().Name}"),
    };

    private string Compare(Comparison comparison)
    {
        Use(comparison.Field);
        var column = resource.Column(comparison.Field);
        var kind = resource.Resource.Find(comparison.Field)!.Kind;
        var value = comparison.Values.Count > 0 ? comparison.Values[0] : null;
        return comparison.Operator switch
        {
            ComparisonOperator.Equal => value is null ? $"{column} IS NULL" : $"{column} = {Add(value, kind)}",
            ComparisonOperator.NotEqual => value is null ? $"{column} IS NOT NULL" : $"{column} <> {Add(value, kind)}",
            ComparisonOperator.LessThan => $"{column} < {Add(value!, kind)}",
            ComparisonOperator.LessThanOrEqual => $"{column} <= {Add(value!, kind)}",
            ComparisonOperator.GreaterThan => $"{column} > {Add(value!, kind)}",
            ComparisonOperator.GreaterThanOrEqual => $"{column} >= {Add(value!, kind)}",
            ComparisonOperator.In => In(column, kind, comparison.Values),
            ComparisonOperator.NotIn => NotIn(column, kind, comparison.Values),
            ComparisonOperator.Like => $"{column} LIKE {Add(value!, kind)}",
            ComparisonOperator.NotLike => $"NOT ({column} LIKE {Add(value!, kind)})",
            ComparisonOperator.ILike => $"{column} ILIKE {Add(value!, kind)}",
            _ => throw new ArgumentException($"Unknown operator {comparison.Operator}"),
        };
    }

    private string In(string column, FieldKind kind, IReadOnlyList<object?> values)
    {
        var present = values.Where(v => v is not null).ToList();
        var matchesNull = present.Count < values.Count;
        var parts = new List<string>();
        if (present.Count > 0)
        {
            parts.Add($"{column} = ANY({AddArray(present, kind)})");
        }

        if (matchesNull)
        {
            parts.Add($"{column} IS NULL");
        }

        return parts.Count == 0 ? "false" : "(" + string.Join(" OR ", parts) + ")";
    }

    private string NotIn(string column, FieldKind kind, IReadOnlyList<object?> values)
    {
        var present = values.Where(v => v is not null).ToList();
        var parts = new List<string>();
        if (present.Count > 0)
        {
            parts.Add($"NOT ({column} = ANY({AddArray(present, kind)}))");
        }

        if (present.Count < values.Count)
        {
            parts.Add($"{column} IS NOT NULL");
        }

        return parts.Count == 0 ? "true" : "(" + string.Join(" AND ", parts) + ")";
    }

    private void Use(string field) => needsJoin |= resource.NeedsJoin(field);

    private string Add(object value, FieldKind kind) => Add(value, kind switch
    {
        FieldKind.Integer => NpgsqlDbType.Bigint,
        FieldKind.Boolean => NpgsqlDbType.Boolean,
        FieldKind.Time => NpgsqlDbType.TimestampTz,
        _ => NpgsqlDbType.Text,
    });

    private string Add(object value, NpgsqlDbType type)
    {
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = type, Value = value is DateTimeOffset time ? time.UtcDateTime : value });
        return "$" + parameters.Count;
    }

    private string AddArray(IReadOnlyList<object?> values, FieldKind kind)
    {
        object array = kind switch
        {
            FieldKind.Integer => values.Select(v => Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
            FieldKind.Boolean => values.Select(v => (bool)v!).ToArray(),
            FieldKind.Time => values.Select(v => ((DateTimeOffset)v!).UtcDateTime).ToArray(),
            _ => values.Select(v => (string)v!).ToArray(),
        };
        var type = kind switch
        {
            FieldKind.Integer => NpgsqlDbType.Bigint,
            FieldKind.Boolean => NpgsqlDbType.Boolean,
            FieldKind.Time => NpgsqlDbType.TimestampTz,
            _ => NpgsqlDbType.Text,
        };
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | type, Value = array });
        return "$" + parameters.Count;
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append("WHERE ").Append(Where).Append(" ORDER BY ").Append(OrderBy);
        return text.ToString();
    }
}
