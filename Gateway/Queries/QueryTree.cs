namespace Monitoring.Gateway.Queries;

/// <summary>
/// A query string read as nested objects the way the <c>qs</c> package writes them (<c>a[b][c]=v</c>,
/// <c>a[]=v</c>, <c>a[0]=v</c>): a node is either a value list or named children.
/// </summary>
public sealed class QueryTree
{
    public const int MaxDepth = 6;
    public const int MaxParameters = 256;

    private QueryTree()
    {
    }

    public Dictionary<string, QueryTree>? Children { get; private set; }

    public List<string>? Values { get; private set; }

    public static QueryTree Parse(IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>> query)
    {
        var root = new QueryTree { Children = new(StringComparer.Ordinal) };
        var count = 0;
        foreach (var (key, values) in query)
        {
            count += Math.Max(1, values.Count);
            if (count > MaxParameters)
            {
                throw new QuerySyntaxException($"Too many query parameters (at most {MaxParameters})");
            }

            var segments = Segments(key);
            foreach (var value in values)
            {
                root.Insert(segments, 0, value ?? string.Empty, key);
            }
        }

        return root;
    }

    /// <summary>The children as a list when their names are 0, 1, 2 ... (qs arrays written with indices).</summary>
    public IReadOnlyList<QueryTree>? AsIndexedList()
    {
        if (Children is null || Children.Count == 0 || !Children.Keys.All(k => k.Length > 0 && k.All(char.IsAsciiDigit)))
        {
            return null;
        }

        var indexed = new List<(long Index, QueryTree Node)>(Children.Count);
        foreach (var (key, node) in Children)
        {
            if (!long.TryParse(key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index))
            {
                throw new QuerySyntaxException($"List index '{(key.Length <= 24 ? key : key[..24] + "…")}' is too large");
            }

            indexed.Add((index, node));
        }

        return indexed.OrderBy(i => i.Index).Select(i => i.Node).ToList();
    }

    private void Insert(IReadOnlyList<string> segments, int index, string value, string key)
    {
        if (index == segments.Count)
        {
            if (Children is not null)
            {
                throw new QuerySyntaxException($"Query parameter '{key}' is both a value and an object");
            }

            (Values ??= []).Add(value);
            return;
        }

        var segment = segments[index];
        if (segment.Length == 0)
        {
            // "a[]=v": append to the list at this level.
            if (index != segments.Count - 1)
            {
                throw new QuerySyntaxException($"Query parameter '{key}' has '[]' before its end");
            }

            Insert(segments, index + 1, value, key);
            return;
        }

        if (Values is not null)
        {
            throw new QuerySyntaxException($"Query parameter '{key}' is both a value and an object");
        }

        Children ??= new(StringComparer.Ordinal);
        if (!Children.TryGetValue(segment, out var child))
        {
            child = new QueryTree();
            Children[segment] = child;
        }

        child.Insert(segments, index + 1, value, key);
    }

    private static List<string> Segments(string key)
    {
        var open = key.IndexOf('[', StringComparison.Ordinal);
        if (open < 0)
        {
            return [key];
        }

        var segments = new List<string> { key[..open] };
        var position = open;
        while (position < key.Length)
        {
            if (key[position] != '[')
            {
                throw new QuerySyntaxException($"Query parameter '{key}' is malformed");
            }

            var close = key.IndexOf(']', position);
            if (close < 0)
            {
                throw new QuerySyntaxException($"Query parameter '{key}' has an unclosed '['");
            }

            segments.Add(key[(position + 1)..close]);
            position = close + 1;
        }

        if (segments.Count > MaxDepth + 1 || segments[0].Length == 0)
        {
            throw new QuerySyntaxException($"Query parameter '{key}' is malformed or nested too deeply");
        }

        return segments;
    }
}
