using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using Monitoring.Gateway.Queries;
using Monitoring.Grains.Interfaces.Queries;

namespace Monitoring.UnitTests.Queries;

/// <summary>Reads a query string the way a request's Query collection holds it, and prints filters for comparison.</summary>
internal static class Query
{
    public static QueryTree Tree(string queryString) => QueryTree.Parse(QueryHelpers.ParseQuery(queryString));

    public static FindQuery Parse(string queryString, Resource resource) => FeathersQueryParser.Parse(Tree(queryString), resource);

    public static QuerySyntaxException Refused(string queryString, Resource resource) =>
        Assert.Throws<QuerySyntaxException>(() => Parse(queryString, resource));

    /// <summary>A filter as text: AND(…), OR(…), and "field Operator [values]" with typed values ('text', 1, true, time, null).</summary>
    public static string Render(FilterNode? node) => node switch
    {
        null => "none",
        AllOf all => $"AND({string.Join(", ", all.Nodes.Select(Render))})",
        AnyOf any => $"OR({string.Join(", ", any.Nodes.Select(Render))})",
        Comparison c => $"{c.Field} {c.Operator} [{string.Join(", ", c.Values.Select(RenderValue))}]",
        _ => throw new ArgumentException($"unexpected node {node.GetType().Name}", nameof(node)),
    };

    private static string RenderValue(object? value) => value switch
    {
        null => "null",
        string text => $"'{text}'",
        long number => number.ToString(CultureInfo.InvariantCulture),
        bool flag => flag ? "true" : "false",
        DateTimeOffset time => time.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture),
        _ => throw new ArgumentException($"unexpected value type {value.GetType().Name}", nameof(value)),
    };
}
