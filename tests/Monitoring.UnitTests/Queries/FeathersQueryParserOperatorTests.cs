using Monitoring.Grains.Interfaces.Queries;

namespace Monitoring.UnitTests.Queries;

public sealed class FeathersQueryParserOperatorTests
{
    [Theory]
    [InlineData("", "none")]
    [InlineData("name=api", "name Equal ['api']")]
    [InlineData("id=42", "id Equal [42]")]
    [InlineData("id=1&id=2", "id In [1, 2]")]
    [InlineData("id[]=1&id[]=2", "id In [1, 2]")]
    [InlineData("id[]=1", "id Equal [1]")]
    [InlineData("id[0]=1&id[1]=2", "id In [1, 2]")]
    [InlineData("id[1]=2&id[0]=1", "id In [1, 2]")]
    [InlineData("id[$in][]=1&id[$in][]=2", "id In [1, 2]")]
    [InlineData("id[$in]=1", "id In [1]")]
    [InlineData("id[$in]=1&id[$in]=2", "id In [1, 2]")]
    [InlineData("id[$in][0]=1&id[$in][1]=2", "id In [1, 2]")]
    [InlineData("id[$nin][]=1&id[$nin][]=2", "id NotIn [1, 2]")]
    [InlineData("id[$nin]=3", "id NotIn [3]")]
    [InlineData("id[$lt]=5", "id LessThan [5]")]
    [InlineData("id[$lte]=5", "id LessThanOrEqual [5]")]
    [InlineData("id[$gt]=5", "id GreaterThan [5]")]
    [InlineData("id[$gte]=5", "id GreaterThanOrEqual [5]")]
    [InlineData("id[$ne]=5", "id NotEqual [5]")]
    [InlineData("name[$ne]=api", "name NotEqual ['api']")]
    [InlineData("id[$gt]=1&id[$lt]=5", "AND(id GreaterThan [1], id LessThan [5])")]
    [InlineData("id[$gte]=1&id[$lte]=5&name=x", "AND(id GreaterThanOrEqual [1], id LessThanOrEqual [5], name Equal ['x'])")]
    [InlineData("client_id=1&enabled=true", "AND(client_id Equal [1], enabled Equal [true])")]
    [InlineData("last_checked_at[$gte]=2026-11-27T10:00:00.000Z", "last_checked_at GreaterThanOrEqual [2026-11-27T10:00:00.000+00:00]")]
    [InlineData("method[$in][]=GET&method[$in][]=HEAD", "method In ['GET', 'HEAD']")]
    public void Reads_every_operator(string query, string expectedFilter)
    {
        var parsed = Query.Parse(query, Resource.ClientServices);

        Assert.Equal(expectedFilter, Query.Render(parsed.Filter));
    }

    [Theory]
    [InlineData("id[$like]=x", "$like only applies to text fields, not id", "id")]
    [InlineData("id[$eq]=1", "Invalid query parameter $eq", "id")]
    [InlineData("id[$or][0]=1", "Invalid query parameter $or", "id")]
    [InlineData("id[x]=1", "Invalid query parameter x", "id")]
    [InlineData("id[$in][x]=1", "id[$in] must be a list of values", "id")]
    [InlineData("id[$nin][a][b]=1", "id[$nin] must be a list of values", "id")]
    [InlineData("id[$in][0][x]=1", "id takes a single value", "id")]
    [InlineData("id[0][x]=1", "id takes a single value", "id")]
    [InlineData("id[$lt][]=1&id[$lt][]=2", "id takes a single value", "id")]
    [InlineData("id[$lt][x]=1", "id takes a single value", "id")]
    [InlineData("id[$lt]=1&id[$lt]=2", "id takes a single value", "id")]
    [InlineData("$where=1", "Invalid filter value $where", "$where")]
    [InlineData("$populate=client", "Invalid filter value $populate", "$populate")]
    [InlineData("$in[]=1", "Invalid filter value $in", "$in")]
    public void Refuses_unknown_operators_and_misshapen_operands(string query, string expectedMessage, string expectedField)
    {
        var error = Query.Refused(query, Resource.ClientServices);

        Assert.Equal(expectedMessage, error.Message);
        Assert.Equal(expectedField, error.Field);
    }

    [Theory]
    [InlineData("id[99999999999999999999]=1")]
    [InlineData("id[0]=1&id[99999999999999999999]=2")]
    [InlineData("id[$in][99999999999999999999]=1")]
    [InlineData("$or[99999999999999999999][id]=1")]
    [InlineData("$select[99999999999999999999]=id")]
    public void An_index_too_large_for_a_number_is_a_syntax_error(string query)
    {
        var error = Record.Exception(() => Query.Parse(query, Resource.ClientServices));

        Assert.IsType<Monitoring.Gateway.Queries.QuerySyntaxException>(error);
    }
}
