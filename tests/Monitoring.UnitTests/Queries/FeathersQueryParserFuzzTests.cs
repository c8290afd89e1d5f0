using System.Globalization;
using System.Text;
using Microsoft.Extensions.Primitives;
using Monitoring.Gateway.Queries;
using Monitoring.Grains.Interfaces.Queries;

namespace Monitoring.UnitTests.Queries;

public sealed class FeathersQueryParserFuzzTests
{
    private static readonly Resource[] Resources = [Resource.Clients, Resource.ClientServices, Resource.ServiceStatus];

    private static readonly string[] Operators = ["$in", "$nin", "$lt", "$lte", "$gt", "$gte", "$ne"];

    private static readonly string[] Junk =
    [
        "", "nope", "$limit", "$skip", "$sort", "$select", "$or", "$and", "$in", "$eq", "$like", "0", "1", "10", "-1",
        "99999999999999999999", "__proto__", "a b", "ü", "[", "]",
    ];

    private static readonly string[] JunkValues =
    [
        "", "null", "0", "-1", "1.5", "1e3", "+5", " 7", "-0", "9223372036854775808", "99999999999999999999999999999999", "True",
        "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-14:00", "not a time", "a\0b", "\0", "'; DROP TABLE clients; --",
        "日本", "\uFFFF", "\uD800", "[]", "&", "=",
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Random_queries_only_ever_fail_with_a_query_syntax_exception(int seed)
    {
        var random = new Random(seed);
        var failures = new List<string>();
        var parsed = 0;
        var refused = 0;
        for (var i = 0; i < 4000; i++)
        {
            var resource = Pick(random, Resources);
            var query = RandomQuery(random, resource);
            try
            {
                FeathersQueryParser.Parse(QueryTree.Parse(query), resource);
                parsed++;
            }
            catch (QuerySyntaxException)
            {
                refused++;
            }
            catch (Exception ex)
            {
                failures.Add($"{ex.GetType().Name} for {resource.Name} ?{Describe(query)}: {ex.Message}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} queries failed with another exception, e.g.:\n{string.Join("\n", failures.Take(10))}");
        Assert.True(parsed > 1000 && refused > 1000, $"{parsed} parsed and {refused} refused: the fuzzer should reach both outcomes often");
    }

    private static List<KeyValuePair<string, StringValues>> RandomQuery(Random random, Resource resource)
    {
        var query = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var pairs = random.Next(1, 6);
        for (var i = 0; i < pairs; i++)
        {
            var (key, value) = random.Next(8) == 0 ? JunkPair(random, resource) : PlausiblePair(random, resource);
            if (!query.TryGetValue(key, out var values))
            {
                query[key] = values = [];
            }

            values.Add(value);
        }

        return query.Select(p => new KeyValuePair<string, StringValues>(p.Key, p.Value.ToArray())).ToList();
    }

    /// <summary>A pair a dashboard could send: a field of the resource, an operator and a value of roughly its type.</summary>
    private static (string Key, string Value) PlausiblePair(Random random, Resource resource)
    {
        var field = Pick(random, resource.Fields.ToArray());
        return random.Next(9) switch
        {
            0 => ("$limit", random.Next(-5, 200).ToString(CultureInfo.InvariantCulture)),
            1 => ("$skip", random.Next(0, 1000).ToString(CultureInfo.InvariantCulture)),
            2 => ($"$sort[{field.Name}]", random.Next(2) == 0 ? "1" : "-1"),
            3 => ("$select[]", field.Name),
            4 => ($"$or[{random.Next(3)}][{field.Name}]", ValueOf(random, field)),
            5 => ($"{field.Name}[{Pick(random, Operators)}]", ValueOf(random, field)),
            6 => ($"{field.Name}[$in][]", ValueOf(random, field)),
            7 => ($"$and[{random.Next(2)}][$or][{random.Next(2)}][{field.Name}][{Pick(random, Operators)}]", ValueOf(random, field)),
            _ => (field.Name, ValueOf(random, field)),
        };
    }

    private static (string Key, string Value) JunkPair(Random random, Resource resource)
    {
        var key = new StringBuilder(random.Next(2) == 0 ? Pick(random, resource.Fields.ToArray()).Name : Pick(random, Junk));
        var segments = random.Next(0, 6);
        for (var s = 0; s < segments; s++)
        {
            key.Append(random.Next(10) switch
            {
                0 => "[",
                1 => "]",
                2 => "[]",
                3 => $"[{Pick(random, resource.Fields.ToArray()).Name}]",
                4 => $"[{Pick(random, Operators)}]",
                _ => $"[{Pick(random, Junk)}]",
            });
        }

        return (key.ToString(), Pick(random, JunkValues));
    }

    private static string ValueOf(Random random, ResourceField field)
    {
        if (random.Next(6) == 0)
        {
            return Pick(random, JunkValues);
        }

        if (field.AllowedValues is { } allowed)
        {
            return allowed[random.Next(allowed.Count)];
        }

        return field.Kind switch
        {
            FieldKind.Integer => random.NextInt64(-1000, 1_000_000).ToString(CultureInfo.InvariantCulture),
            FieldKind.Boolean => Pick(random, new[] { "true", "false", "1", "0" }),
            FieldKind.Time => new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(random.Next(0, 31_536_000))
                .ToOffset(TimeSpan.FromHours(random.Next(-12, 15))).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture),
            _ => new string(Enumerable.Range(0, random.Next(0, 12)).Select(_ => (char)random.Next(32, 0x3000)).ToArray()),
        };
    }

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];

    private static string Describe(IEnumerable<KeyValuePair<string, StringValues>> query) =>
        string.Join("&", query.SelectMany(p => p.Value.Select(v => $"{p.Key}={Uri.EscapeDataString(v ?? string.Empty)}")));
}
