using System.Text.RegularExpressions;
using Monitoring.Grains.Interfaces.Queries;
using Monitoring.Grains.Queries;

namespace Monitoring.UnitTests.Queries;

public sealed partial class FindSqlInjectionTests
{
    public static TheoryData<string> HostileValues => new()
    {
        "'; DROP TABLE clients; --",
        "x' OR '1'='1",
        "$1) OR (true",
        "\" OR \"\"=\"",
        "name) OR 1=1 --",
        "%'; SELECT pg_sleep(10); --",
        "(SELECT password FROM pg_shadow)",
        "t.status = t.status",
        "/* comment */",
        "E'\\x00'",
    };

    [Theory]
    [MemberData(nameof(HostileValues))]
    public void User_values_travel_only_as_parameters(string value)
    {
        var escaped = Uri.EscapeDataString(value);
        string[] queries =
        [
            $"error={escaped}",
            $"error[$ne]={escaped}",
            $"error[$in][]={escaped}&error[$in][]=",
            $"error[$nin][]={escaped}",
            $"reported_status[$gt]={escaped}",
            $"$or[0][error]={escaped}&$or[1][reported_status][$lte]={escaped}",
            $"$and[0][$or][0][error]={escaped}&$and[1][status]=down&$sort[error]=-1",
        ];

        foreach (var query in queries)
        {
            var sql = FindSql.Build(ResourceSql.ServiceStatus, Query.Parse(query, Resource.ServiceStatus), scopeClientId: 12);

            Assert.DoesNotContain(value, sql.Where, StringComparison.Ordinal);
            Assert.DoesNotContain(value, sql.OrderBy, StringComparison.Ordinal);
            Assert.Matches(SafeSql(), sql.Where);
            Assert.Matches(SafeSql(), sql.OrderBy);
            Assert.Contains(sql.Parameters, p => SqlParameters.Render(p).Contains($"'{value}'", StringComparison.Ordinal));
            var placeholders = PlaceholderPattern().Matches(sql.Where).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(Enumerable.Range(1, sql.Parameters.Count), placeholders);
        }
    }

    [Theory]
    [MemberData(nameof(HostileValues))]
    public void User_values_in_service_filters_travel_only_as_parameters(string value)
    {
        var escaped = Uri.EscapeDataString(value);

        var sql = FindSql.Build(
            ResourceSql.ClientServices,
            Query.Parse($"name={escaped}&$or[0][endpoint_url]={escaped}&$or[1][basic_auth_username][$ne]={escaped}&last_status=down", Resource.ClientServices),
            scopeClientId: 2);

        Assert.DoesNotContain(value, sql.Where, StringComparison.Ordinal);
        Assert.Matches(SafeSql(), sql.Where);
        Assert.Equal(5, sql.Parameters.Count);
    }

    // Only column references, operators, keywords, $n placeholders and the fixed type names of the derived service fields.
    [GeneratedRegex(@"^(?:\s|\(|\)|,|AND|OR|NOT|IS|NULL|ANY|ASC|DESC|CASE|WHEN|THEN|END|'http'|'heartbeat'|true|false|=|<>|<=|>=|<|>|\$\d+|(?:t|s|c|o|latest)\.[a-z_]+)*$")]
    private static partial Regex SafeSql();

    [GeneratedRegex(@"\$(\d+)")]
    private static partial Regex PlaceholderPattern();
}
