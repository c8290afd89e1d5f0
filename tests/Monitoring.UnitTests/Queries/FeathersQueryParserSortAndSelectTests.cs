using Monitoring.Grains.Interfaces.Queries;

namespace Monitoring.UnitTests.Queries;

public sealed class FeathersQueryParserSortAndSelectTests
{
    [Theory]
    [InlineData("", "")]
    [InlineData("$sort[created_at]=-1", "created_at desc")]
    [InlineData("$sort[name]=1", "name asc")]
    [InlineData("$sort[name]=1&$sort[id]=-1", "name asc, id desc")]
    [InlineData("$sort[id]=-1&$sort[name]=1", "id desc, name asc")]
    [InlineData("$sort[last_status]=1", "last_status asc")]
    public void Reads_sort_keys_in_order(string query, string expectedSort)
    {
        var parsed = Query.Parse(query, Resource.ClientServices);

        Assert.Equal(expectedSort, string.Join(", ", parsed.Sort.Select(k => $"{k.Field} {(k.Descending ? "desc" : "asc")}")));
    }

    [Theory]
    [InlineData("$sort[name]=2", "Invalid $sort value for name: '2' (use 1 or -1)", "name")]
    [InlineData("$sort[name]=asc", "Invalid $sort value for name: 'asc' (use 1 or -1)", "name")]
    [InlineData("$sort[name]=", "Invalid $sort value for name: '' (use 1 or -1)", "name")]
    [InlineData("$sort[name]=%2B1", "Invalid $sort value for name: '+1' (use 1 or -1)", "name")]
    [InlineData("$sort[name]=1&$sort[name]=-1", "$sort takes a single value", "$sort")]
    [InlineData("$sort[name][x]=1", "$sort takes a single value", "$sort")]
    [InlineData("$sort=name", "$sort must name fields, e.g. $sort[created_at]=-1", "$sort")]
    [InlineData("$sort[]=name", "$sort must name fields, e.g. $sort[created_at]=-1", "$sort")]
    [InlineData("$sort[nope]=1", "Unknown field 'nope' for client-services", "nope")]
    [InlineData("$sort[next_check_at]=1", "Field 'next_check_at' cannot be filtered or sorted on", "next_check_at")]
    public void Refuses_bad_sort_values_and_fields(string query, string expectedMessage, string expectedField)
    {
        var error = Query.Refused(query, Resource.ClientServices);

        Assert.Equal(expectedMessage, error.Message);
        Assert.Equal(expectedField, error.Field);
    }

    [Theory]
    [InlineData("$select[]=name&$select[]=id", new[] { "name", "id" })]
    [InlineData("$select=name", new[] { "name" })]
    [InlineData("$select=name&$select=id", new[] { "name", "id" })]
    [InlineData("$select[1]=id&$select[0]=name", new[] { "name", "id" })]
    [InlineData("$select[]=next_check_at", new[] { "next_check_at" })]
    [InlineData("$select[]=has_basic_auth_password", new[] { "has_basic_auth_password" })]
    public void Reads_the_selected_fields(string query, string[] expected)
    {
        var parsed = Query.Parse(query, Resource.ClientServices);

        Assert.Equal(expected, parsed.Select);
    }

    [Fact]
    public void Selects_every_field_when_select_is_absent()
    {
        Assert.Null(Query.Parse("name=x", Resource.ClientServices).Select);
    }

    [Theory]
    [InlineData("$select[]=nope", "Unknown field 'nope' in $select")]
    [InlineData("$select[]=basic_auth_password", "Unknown field 'basic_auth_password' in $select")]
    [InlineData("$select[a]=name", "$select must be a list of fields, e.g. $select[]=name")]
    [InlineData("$select[0][a]=name", "$select takes a single value")]
    public void Refuses_unknown_selected_fields(string query, string expectedMessage)
    {
        var error = Query.Refused(query, Resource.ClientServices);

        Assert.Equal(expectedMessage, error.Message);
        Assert.Equal("$select", error.Field);
    }
}
