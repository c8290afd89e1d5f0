using Monitoring.Grains.Data;
using Monitoring.Grains.Interfaces.Queries;
using Monitoring.Grains.Queries;

namespace Monitoring.UnitTests.Queries;

public sealed class FindSqlTests
{
    [Theory]
    [InlineData("", null, "true", "t.checked_at ASC, t.id ASC", "")]
    [InlineData("", 7L, "t.client_id = $1", "t.checked_at ASC, t.id ASC", "Bigint:7")]
    [InlineData("status=down", null, "t.status = $1", "t.checked_at ASC, t.id ASC", "Text:'down'")]
    [InlineData("status=down", 7L, "t.client_id = $1 AND t.status = $2", "t.checked_at ASC, t.id ASC", "Bigint:7 | Text:'down'")]
    [InlineData("status_code=", null, "t.status_code IS NULL", "t.checked_at ASC, t.id ASC", "")]
    [InlineData("status_code[$ne]=null", null, "t.status_code IS NOT NULL", "t.checked_at ASC, t.id ASC", "")]
    [InlineData("error[$ne]=timeout", null, "t.error <> $1", "t.checked_at ASC, t.id ASC", "Text:'timeout'")]
    [InlineData("status_code[$in][]=200&status_code[$in][]=204", null,
        "(t.status_code = ANY($1))", "t.checked_at ASC, t.id ASC", "Bigint[]:[200, 204]")]
    [InlineData("status_code[$in][]=200&status_code[$in][]=", null,
        "(t.status_code = ANY($1) OR t.status_code IS NULL)", "t.checked_at ASC, t.id ASC", "Bigint[]:[200]")]
    [InlineData("status_code[$in][]=", null, "(t.status_code IS NULL)", "t.checked_at ASC, t.id ASC", "")]
    [InlineData("status[$nin][]=up&status[$nin][]=degraded", null,
        "(NOT (t.status = ANY($1)))", "t.checked_at ASC, t.id ASC", "Text[]:['up', 'degraded']")]
    [InlineData("status_code[$nin][]=200&status_code[$nin][]=null", null,
        "(NOT (t.status_code = ANY($1)) AND t.status_code IS NOT NULL)", "t.checked_at ASC, t.id ASC", "Bigint[]:[200]")]
    [InlineData("status_code[$nin][]=", null, "(t.status_code IS NOT NULL)", "t.checked_at ASC, t.id ASC", "")]
    [InlineData("response_time_ms[$gt]=100&response_time_ms[$lte]=900", null,
        "(t.response_time_ms > $1 AND t.response_time_ms <= $2)", "t.checked_at ASC, t.id ASC", "Bigint:100 | Bigint:900")]
    [InlineData("$or[0][status]=down&$or[1][status_code][$gte]=500", 3L,
        "t.client_id = $1 AND (t.status = $2 OR t.status_code >= $3)", "t.checked_at ASC, t.id ASC", "Bigint:3 | Text:'down' | Bigint:500")]
    [InlineData("$or[0][$and][0][status]=down&$or[0][$and][1][trigger]=manual&$or[1][id][$lt]=5", null,
        "((t.status = $1 AND t.trigger = $2) OR t.id < $3)", "t.checked_at ASC, t.id ASC", "Text:'down' | Text:'manual' | Bigint:5")]
    [InlineData("service_id=3&checked_at[$gte]=2026-11-27T12:00:00%2B02:00&checked_at[$lt]=2026-11-28T00:00:00Z", null,
        "(t.service_id = $1 AND t.checked_at >= $2 AND t.checked_at < $3)", "t.checked_at ASC, t.id ASC",
        "Bigint:3 | TimestampTz:2026-11-27T10:00:00.000(Utc) | TimestampTz:2026-11-28T00:00:00.000(Utc)")]
    [InlineData("checked_at[$in][]=2026-11-27T10:00:00Z", null,
        "(t.checked_at = ANY($1))", "t.checked_at ASC, t.id ASC", "TimestampTz[]:[2026-11-27T10:00:00.000(Utc)]")]
    [InlineData("$sort[checked_at]=-1", null, "true", "t.checked_at DESC, t.id DESC", "")]
    [InlineData("$sort[id]=-1", null, "true", "t.id DESC", "")]
    [InlineData("$sort[status]=1&$sort[checked_at]=-1", null, "true", "t.status ASC, t.checked_at DESC, t.id DESC", "")]
    [InlineData("$sort[checked_at]=-1&$sort[status]=1", null, "true", "t.checked_at DESC, t.status ASC, t.id ASC", "")]
    public void Builds_service_status_sql(string query, long? scope, string expectedWhere, string expectedOrderBy, string expectedParameters)
    {
        var sql = FindSql.Build(ResourceSql.ServiceStatus, Query.Parse(query, Resource.ServiceStatus), scope);

        Assert.Equal(expectedWhere, sql.Where);
        Assert.Equal(expectedOrderBy, sql.OrderBy);
        Assert.Equal(expectedParameters, string.Join(" | ", sql.Parameters.Select(SqlParameters.Render)));
        Assert.Equal("service_status t", sql.FromForCount);
    }

    [Theory]
    [InlineData("name=api", "s.name = $1", "s.id ASC", false)]
    [InlineData("enabled=false&has_basic_auth_password=true", "(s.enabled = $1 AND (s.basic_auth_password IS NOT NULL) = $2)", "s.id ASC", false)]
    [InlineData("last_status=down", "latest.status = $1", "s.id ASC", true)]
    [InlineData("last_status=", "latest.status IS NULL", "s.id ASC", true)]
    [InlineData("$sort[last_checked_at]=-1", "true", "latest.checked_at DESC, s.id DESC", true)]
    [InlineData("$or[0][name]=a&$or[1][last_response_time_ms][$gt]=500", "(s.name = $1 OR latest.response_time_ms > $2)", "s.id ASC", true)]
    [InlineData("$sort[name]=1", "true", "s.name ASC, s.id ASC", false)]
    public void Joins_the_latest_result_only_when_a_filter_or_sort_needs_it(string query, string expectedWhere, string expectedOrderBy, bool joined)
    {
        var sql = FindSql.Build(ResourceSql.ClientServices, Query.Parse(query, Resource.ClientServices), scopeClientId: null);

        Assert.Equal(expectedWhere, sql.Where);
        Assert.Equal(expectedOrderBy, sql.OrderBy);
        Assert.Equal(joined ? $"client_services s {ServiceRows.LatestJoin}" : "client_services s", sql.FromForCount);
    }

    [Theory]
    [InlineData("", null, "true", "c.id ASC")]
    [InlineData("", 9L, "c.id = $1", "c.id ASC")]
    [InlineData("description=", null, "c.description IS NULL", "c.id ASC")]
    [InlineData("$sort[name]=-1", null, "true", "c.name DESC, c.id DESC")]
    public void Builds_client_sql_scoped_to_the_clients_own_id(string query, long? scope, string expectedWhere, string expectedOrderBy)
    {
        var sql = FindSql.Build(ResourceSql.Clients, Query.Parse(query, Resource.Clients), scope);

        Assert.Equal(expectedWhere, sql.Where);
        Assert.Equal(expectedOrderBy, sql.OrderBy);
        Assert.Equal("clients c", sql.FromForCount);
    }

    [Fact]
    public void Prints_as_a_where_and_order_by_clause()
    {
        var sql = FindSql.Build(ResourceSql.ServiceStatus, Query.Parse("status=down", Resource.ServiceStatus), 4);

        Assert.Equal("WHERE t.client_id = $1 AND t.status = $2 ORDER BY t.checked_at ASC, t.id ASC", sql.ToString());
    }

    [Fact]
    public void Cloned_parameters_are_new_objects_with_the_same_types_and_values()
    {
        var sql = FindSql.Build(ResourceSql.ServiceStatus, Query.Parse("status=down&status_code[$in][]=500&status_code[$in][]=503", Resource.ServiceStatus), 4);

        var clones = sql.CloneParameters().ToList();

        Assert.Equal(sql.Parameters.Select(SqlParameters.Render), clones.Select(SqlParameters.Render));
        Assert.All(clones.Zip(sql.Parameters), pair => Assert.NotSame(pair.Second, pair.First));
    }

    [Fact]
    public void Empty_any_of_and_all_of_are_false_and_true()
    {
        var query = new FindQuery(50, 0, [], new AllOf([new AnyOf([]), new AllOf([])]));

        var sql = FindSql.Build(ResourceSql.ServiceStatus, query, scopeClientId: null);

        Assert.Equal("(false AND true)", sql.Where);
    }

    [Fact]
    public void A_field_without_a_column_is_refused()
    {
        var query = new FindQuery(50, 0, [], new Comparison("details", ComparisonOperator.Equal, ["x"]));

        Assert.Throws<ArgumentException>(() => FindSql.Build(ResourceSql.ServiceStatus, query, scopeClientId: null));
    }
}
