using Monitoring.Grains.Interfaces.Queries;

namespace Monitoring.UnitTests.Queries;

public sealed class FeathersQueryParserLogicTests
{
    [Theory]
    [InlineData("$or[0][status]=down&$or[1][status_code][$gte]=500",
        "OR(status Equal ['down'], status_code GreaterThanOrEqual [500])")]
    [InlineData("$or[0][status]=down",
        "OR(status Equal ['down'])")]
    [InlineData("$or[0][status]=down&$or[0][trigger]=manual&$or[1][id]=5",
        "OR(AND(status Equal ['down'], trigger Equal ['manual']), id Equal [5])")]
    [InlineData("$or[1][id]=2&$or[0][id]=1",
        "OR(id Equal [1], id Equal [2])")]
    [InlineData("$or[0][id][$gt]=1&$or[0][id][$lt]=9",
        "OR(AND(id GreaterThan [1], id LessThan [9]))")]
    [InlineData("$or[0][id][$in][]=1&$or[0][id][$in][]=2",
        "OR(id In [1, 2])")]
    [InlineData("$and[0][id][$gt]=1&$and[1][id][$lt]=9",
        "AND(id GreaterThan [1], id LessThan [9])")]
    [InlineData("$or[0][$and][0][status]=down&$or[0][$and][1][trigger]=manual&$or[1][id]=5",
        "OR(AND(status Equal ['down'], trigger Equal ['manual']), id Equal [5])")]
    [InlineData("$and[0][$or][0][status]=down&$and[0][$or][1][status]=degraded&$and[1][service_id]=3",
        "AND(OR(status Equal ['down'], status Equal ['degraded']), service_id Equal [3])")]
    [InlineData("$or[0][$or][0][$or][0][id]=1",
        "OR(OR(OR(id Equal [1])))")]
    [InlineData("service_id=3&$or[0][status]=down&$or[1][status_code]=",
        "AND(service_id Equal [3], OR(status Equal ['down'], status_code Equal [null]))")]
    [InlineData("$or[0][status]=down&$or[1][status]=degraded&$and[0][client_id]=1",
        "AND(OR(status Equal ['down'], status Equal ['degraded']), AND(client_id Equal [1]))")]
    public void Reads_or_and_and_with_nesting(string query, string expectedFilter)
    {
        var parsed = Query.Parse(query, Resource.ServiceStatus);

        Assert.Equal(expectedFilter, Query.Render(parsed.Filter));
    }

    [Theory]
    [InlineData("$or=x", "$or must be a list of conditions, e.g. $or[0][field]=value", "$or")]
    [InlineData("$or[]=x", "$or must be a list of conditions, e.g. $or[0][field]=value", "$or")]
    [InlineData("$or[a][id]=1", "$or must be a list of conditions, e.g. $or[0][field]=value", "$or")]
    [InlineData("$and[status]=up", "$and must be a list of conditions, e.g. $and[0][field]=value", "$and")]
    [InlineData("$or[0]=x", "Each entry of $or must be an object of conditions", "$or")]
    [InlineData("$or[0][]=x", "Each entry of $or must be an object of conditions", "$or")]
    [InlineData("$and[0][$or]=x", "$or must be a list of conditions, e.g. $or[0][field]=value", "$or")]
    [InlineData("$or[0][$limit]=1", "Invalid query parameter $limit", "$limit")]
    [InlineData("$or[0][$sort][id]=1", "Invalid query parameter $sort", "$sort")]
    [InlineData("$or[0][nope]=1", "Unknown field 'nope' for service-status", "nope")]
    [InlineData("$or[0][details]=x", "Field 'details' cannot be filtered or sorted on", "details")]
    [InlineData("$or[0][id]=abc", "Invalid value for id: 'abc' is not an integer", "id")]
    public void Refuses_misshapen_or_and_and(string query, string expectedMessage, string expectedField)
    {
        var error = Query.Refused(query, Resource.ServiceStatus);

        Assert.Equal(expectedMessage, error.Message);
        Assert.Equal(expectedField, error.Field);
    }
}
