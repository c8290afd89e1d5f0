using System.Globalization;
using Monitoring.Grains.Interfaces.Queries;
using SortKey = Monitoring.Grains.Interfaces.Queries.SortKey;

namespace Monitoring.Gateway.Queries;

/// <summary>
/// Reads the Feathers common query syntax into a <see cref="FindQuery"/>: <c>$limit</c> (default 50, larger
/// than 100 is clamped), <c>$skip</c>, <c>$sort</c>, <c>$select</c>, <c>field=value</c>, the operators
/// <c>$in $nin $lt $lte $gt $gte $ne</c>, <c>$or</c> / <c>$and</c>, and as Feathers + Knex also offer them,
/// <c>$like $notlike $ilike</c> on text fields. Values are converted to the field's
/// type; an unknown field, an unknown operator or a malformed value is a <see cref="QuerySyntaxException"/>.
/// </summary>
public static class FeathersQueryParser
{
    public static FindQuery Parse(QueryTree query, Resource resource)
    {
        var limit = FindQuery.DefaultLimit;
        var skip = 0;
        IReadOnlyList<SortKey> sort = [];
        IReadOnlyList<string>? select = null;
        var conditions = new List<FilterNode>();

        foreach (var (key, node) in query.Children!)
        {
            switch (key)
            {
                case "$limit":
                    limit = Math.Min(NonNegativeInteger(node, key), FindQuery.MaxLimit);
                    break;
                case "$skip":
                    skip = NonNegativeInteger(node, key);
                    break;
                case "$sort":
                    sort = Sort(node, resource);
                    break;
                case "$select":
                    select = Select(node, resource);
                    break;
                case "$or":
                    conditions.Add(new AnyOf(Clauses(node, key, resource)));
                    break;
                case "$and":
                    conditions.Add(new AllOf(Clauses(node, key, resource)));
                    break;
                default:
                    if (key.StartsWith('$'))
                    {
                        throw new QuerySyntaxException($"Invalid filter value {key}", key);
                    }

                    conditions.AddRange(FieldConditions(key, node, resource));
                    break;
            }
        }

        var filter = conditions.Count switch
        {
            0 => null,
            1 => conditions[0],
            _ => new AllOf(conditions),
        };
        return new FindQuery(limit, skip, sort, filter, select);
    }

    private static IReadOnlyList<FilterNode> Clauses(QueryTree node, string key, Resource resource)
    {
        var items = node.AsIndexedList() ?? throw new QuerySyntaxException($"{key} must be a list of conditions, e.g. {key}[0][field]=value", key);
        var clauses = new List<FilterNode>();
        foreach (var item in items)
        {
            if (item.Children is null)
            {
                throw new QuerySyntaxException($"Each entry of {key} must be an object of conditions", key);
            }

            var parts = new List<FilterNode>();
            foreach (var (field, value) in item.Children)
            {
                if (field is "$or" or "$and")
                {
                    var nested = Clauses(value, field, resource);
                    parts.Add(field == "$or" ? new AnyOf(nested) : new AllOf(nested));
                }
                else if (field.StartsWith('$'))
                {
                    throw new QuerySyntaxException($"Invalid query parameter {field}", field);
                }
                else
                {
                    parts.AddRange(FieldConditions(field, value, resource));
                }
            }

            clauses.Add(parts.Count == 1 ? parts[0] : new AllOf(parts));
        }

        return clauses;
    }

    private static IEnumerable<FilterNode> FieldConditions(string name, QueryTree node, Resource resource)
    {
        var field = QueryableField(name, resource);
        if (node.Values is { } values)
        {
            // field=value, or the same field repeated (field=a&field=b, field[]=a): any of them.
            return values.Count == 1
                ? [new Comparison(name, ComparisonOperator.Equal, [Convert(field, values[0])])]
                : [new Comparison(name, ComparisonOperator.In, values.Select(v => Convert(field, v)).ToList())];
        }

        if (node.AsIndexedList() is { } list)
        {
            return [new Comparison(name, ComparisonOperator.In, list.Select(item => Convert(field, Single(item, name))).ToList())];
        }

        var conditions = new List<FilterNode>();
        foreach (var (op, operand) in node.Children!)
        {
            var comparison = op switch
            {
                "$in" => ComparisonOperator.In,
                "$nin" => ComparisonOperator.NotIn,
                "$lt" => ComparisonOperator.LessThan,
                "$lte" => ComparisonOperator.LessThanOrEqual,
                "$gt" => ComparisonOperator.GreaterThan,
                "$gte" => ComparisonOperator.GreaterThanOrEqual,
                "$ne" => ComparisonOperator.NotEqual,
                "$like" or "$notlike" or "$ilike" when field.Kind != FieldKind.Text || field.AllowedValues is not null =>
                    throw new QuerySyntaxException($"{op} only applies to text fields, not {name}", name),
                "$like" => ComparisonOperator.Like,
                "$notlike" => ComparisonOperator.NotLike,
                "$ilike" => ComparisonOperator.ILike,
                _ => throw new QuerySyntaxException($"Invalid query parameter {op}", name),
            };

            if (comparison is ComparisonOperator.In or ComparisonOperator.NotIn)
            {
                var items = operand.Values ?? operand.AsIndexedList()?.Select(item => Single(item, name)).ToList()
                    ?? throw new QuerySyntaxException($"{name}[{op}] must be a list of values", name);
                conditions.Add(new Comparison(name, comparison, items.Select(v => Convert(field, v)).ToList()));
                continue;
            }

            var value = Convert(field, Single(operand, name));
            if (value is null && comparison is not ComparisonOperator.NotEqual)
            {
                throw new QuerySyntaxException($"{name}[{op}] needs a value", name);
            }

            conditions.Add(new Comparison(name, comparison, [value]));
        }

        return conditions;
    }

    /// <summary>Converts a query-string value to the field's type; null for an empty (or "null") value of a nullable field.</summary>
    public static object? Convert(ResourceField field, string value)
    {
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new QuerySyntaxException($"Invalid value for {field.Name}: NUL characters are not allowed", field.Name);
        }

        if (field.Nullable && (value.Length == 0 || (value == "null" && (field.Kind != FieldKind.Text || field.AllowedValues is not null))))
        {
            return null;
        }

        switch (field.Kind)
        {
            case FieldKind.Integer:
                return long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
                    ? number
                    : throw new QuerySyntaxException($"Invalid value for {field.Name}: '{Shorten(value)}' is not an integer", field.Name);
            case FieldKind.Boolean:
                return value switch
                {
                    "true" or "1" => true,
                    "false" or "0" => false,
                    _ => throw new QuerySyntaxException($"Invalid value for {field.Name}: '{Shorten(value)}' is not true or false", field.Name),
                };
            case FieldKind.Time:
                return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
                    ? time.ToUniversalTime()
                    : throw new QuerySyntaxException($"Invalid value for {field.Name}: '{Shorten(value)}' is not an ISO 8601 time", field.Name);
            default:
                if (field.AllowedValues is { } allowed && !allowed.Contains(value, StringComparer.Ordinal))
                {
                    throw new QuerySyntaxException($"Invalid value for {field.Name}: must be one of {string.Join(", ", allowed)}", field.Name);
                }

                return value;
        }
    }

    private static ResourceField QueryableField(string name, Resource resource)
    {
        var field = resource.Find(name) ?? throw new QuerySyntaxException($"Unknown field '{Shorten(name)}' for {resource.Name}", name);
        return field.Queryable ? field : throw new QuerySyntaxException($"Field '{name}' cannot be filtered or sorted on", name);
    }

    private static IReadOnlyList<SortKey> Sort(QueryTree node, Resource resource)
    {
        if (node.Children is null)
        {
            throw new QuerySyntaxException("$sort must name fields, e.g. $sort[created_at]=-1", "$sort");
        }

        return node.Children.Select(entry =>
        {
            QueryableField(entry.Key, resource);
            return Single(entry.Value, "$sort") switch
            {
                "1" => new SortKey(entry.Key, false),
                "-1" => new SortKey(entry.Key, true),
                var other => throw new QuerySyntaxException($"Invalid $sort value for {entry.Key}: '{Shorten(other)}' (use 1 or -1)", entry.Key),
            };
        }).ToList();
    }

    private static IReadOnlyList<string> Select(QueryTree node, Resource resource)
    {
        var names = node.Values ?? node.AsIndexedList()?.Select(item => Single(item, "$select")).ToList()
            ?? throw new QuerySyntaxException("$select must be a list of fields, e.g. $select[]=name", "$select");
        foreach (var name in names)
        {
            if (resource.Find(name) is null)
            {
                throw new QuerySyntaxException($"Unknown field '{Shorten(name)}' in $select", "$select");
            }
        }

        return names;
    }

    private static int NonNegativeInteger(QueryTree node, string key)
    {
        var text = Single(node, key);
        if (text.Length == 0 || text.Length > 1000 || !text.All(char.IsAsciiDigit))
        {
            throw new QuerySyntaxException($"{key} must be a non-negative integer, not '{Shorten(text)}'", key);
        }

        // Digits beyond int's range are still a valid request for "many": clamp instead of refusing.
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : int.MaxValue;
    }

    private static string Single(QueryTree node, string key) =>
        node.Values is [var value] ? value : throw new QuerySyntaxException($"{key} takes a single value", key);

    private static string Shorten(string value) => value.Length <= 64 ? value : value[..64] + "…";
}
