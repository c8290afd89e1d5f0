using Monitoring.Grains.Interfaces.Queries;

namespace Monitoring.UnitTests.Queries;

public sealed class FeathersQueryParserPagingTests
{
    [Theory]
    [InlineData("", 50)]
    [InlineData("$limit=0", 0)]
    [InlineData("$limit=1", 1)]
    [InlineData("$limit=10", 10)]
    [InlineData("$limit=100", 100)]
    [InlineData("$limit=101", 100)]
    [InlineData("$limit=2147483647", 100)]
    [InlineData("$limit=2147483648", 100)]
    [InlineData("$limit=99999999999999999999999999999999999999", 100)]
    [InlineData("$limit=007", 7)]
    [InlineData("$limit[]=5", 5)]
    public void Reads_the_limit_with_a_default_of_50_and_clamps_it_to_100(string query, int expectedLimit)
    {
        var parsed = Query.Parse(query, Resource.Clients);

        Assert.Equal(expectedLimit, parsed.Limit);
        Assert.Equal(0, parsed.Skip);
    }

    [Theory]
    [InlineData("$skip=0", 0)]
    [InlineData("$skip=20", 20)]
    [InlineData("$skip=2147483647", int.MaxValue)]
    [InlineData("$skip=99999999999999999999999999", int.MaxValue)]
    public void Reads_the_skip(string query, int expectedSkip)
    {
        var parsed = Query.Parse(query, Resource.Clients);

        Assert.Equal(expectedSkip, parsed.Skip);
        Assert.Equal(50, parsed.Limit);
    }

    [Theory]
    [InlineData("$limit=-1", "$limit", "$limit must be a non-negative integer, not '-1'")]
    [InlineData("$limit=abc", "$limit", "$limit must be a non-negative integer, not 'abc'")]
    [InlineData("$limit=", "$limit", "$limit must be a non-negative integer, not ''")]
    [InlineData("$limit=1.5", "$limit", "$limit must be a non-negative integer, not '1.5'")]
    [InlineData("$limit=%2B5", "$limit", "$limit must be a non-negative integer, not '+5'")]
    [InlineData("$limit=%205", "$limit", "$limit must be a non-negative integer, not ' 5'")]
    [InlineData("$limit=1e3", "$limit", "$limit must be a non-negative integer, not '1e3'")]
    [InlineData("$limit=0x10", "$limit", "$limit must be a non-negative integer, not '0x10'")]
    [InlineData("$limit=%D9%A3", "$limit", "$limit must be a non-negative integer, not '٣'")]
    [InlineData("$limit=5&$limit=6", "$limit", "$limit takes a single value")]
    [InlineData("$limit[a]=5", "$limit", "$limit takes a single value")]
    [InlineData("$skip=-1", "$skip", "$skip must be a non-negative integer, not '-1'")]
    [InlineData("$skip=ten", "$skip", "$skip must be a non-negative integer, not 'ten'")]
    [InlineData("$skip=1&$skip=2", "$skip", "$skip takes a single value")]
    public void Refuses_a_negative_or_non_numeric_limit_or_skip(string query, string expectedField, string expectedMessage)
    {
        var error = Query.Refused(query, Resource.Clients);

        Assert.Equal(expectedMessage, error.Message);
        Assert.Equal(expectedField, error.Field);
    }
}
