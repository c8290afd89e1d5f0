using Microsoft.Extensions.Primitives;
using Monitoring.Gateway.Queries;

namespace Monitoring.UnitTests.Queries;

public sealed class QueryTreeTests
{
    [Fact]
    public void Reads_nested_brackets_as_nested_objects()
    {
        var tree = Query.Tree("a[b][c]=v&a[b][d]=w&e=x");

        Assert.Equal(["a", "e"], tree.Children!.Keys);
        var b = tree.Children["a"].Children!["b"];
        Assert.Equal(["c", "d"], b.Children!.Keys);
        Assert.Equal(["v"], b.Children["c"].Values!);
        Assert.Equal(["w"], b.Children["d"].Values!);
        Assert.Null(b.Values);
        Assert.Equal(["x"], tree.Children["e"].Values!);
        Assert.Null(tree.Children["e"].Children);
    }

    [Theory]
    [InlineData("a[]=v&a[]=w")]
    [InlineData("a=v&a=w")]
    [InlineData("a=v&a[]=w")]
    [InlineData("a[]=v&a=w")]
    public void Reads_repeated_keys_and_empty_brackets_as_one_value_list(string query)
    {
        var tree = Query.Tree(query);

        Assert.Equal(["v", "w"], tree.Children!["a"].Values!);
    }

    [Theory]
    [InlineData("a[0]=v&a[1]=w&a[2]=x")]
    [InlineData("a[2]=x&a[0]=v&a[1]=w")]
    [InlineData("a[1]=w&a[2]=x&a[0]=v")]
    public void Reads_indexed_keys_as_a_list_in_index_order(string query)
    {
        var list = Query.Tree(query).Children!["a"].AsIndexedList();

        Assert.NotNull(list);
        Assert.Equal(["v", "w", "x"], list.Select(item => item.Values!.Single()));
    }

    [Fact]
    public void Orders_indices_by_number_not_by_text()
    {
        var list = Query.Tree("a[10]=ten&a[2]=two&a[1]=one").Children!["a"].AsIndexedList();

        Assert.Equal(["one", "two", "ten"], list!.Select(item => item.Values!.Single()));
    }

    [Theory]
    [InlineData("a[0]=v&a[x]=w")]
    [InlineData("a[x]=v")]
    [InlineData("a[-1]=v")]
    [InlineData("a[1.5]=v")]
    [InlineData("a=v")]
    [InlineData("a[]=v")]
    public void Is_not_an_indexed_list_unless_every_key_is_a_number(string query)
    {
        Assert.Null(Query.Tree(query).Children!["a"].AsIndexedList());
    }

    [Theory]
    [InlineData("a[1][2][3][4][5][6]=v")]
    [InlineData("a[b][c][d][e][f][]=v")]
    public void Allows_six_levels_of_brackets(string query)
    {
        var tree = Query.Tree(query);

        Assert.True(tree.Children!.ContainsKey("a"));
    }

    [Theory]
    [InlineData("a[1][2][3][4][5][6][7]=v", "Query parameter 'a[1][2][3][4][5][6][7]' is malformed or nested too deeply")]
    [InlineData("a[b=v", "Query parameter 'a[b' has an unclosed '['")]
    [InlineData("a[b][c=v", "Query parameter 'a[b][c' has an unclosed '['")]
    [InlineData("a[b]c=v", "Query parameter 'a[b]c' is malformed")]
    [InlineData("a[b]]=v", "Query parameter 'a[b]]' is malformed")]
    [InlineData("[a]=v", "Query parameter '[a]' is malformed or nested too deeply")]
    [InlineData("a[][b]=v", "Query parameter 'a[][b]' has '[]' before its end")]
    [InlineData("a=1&a[b]=2", "Query parameter 'a[b]' is both a value and an object")]
    [InlineData("a[b]=2&a=1", "Query parameter 'a' is both a value and an object")]
    [InlineData("a[b]=2&a[]=1", "Query parameter 'a[]' is both a value and an object")]
    [InlineData("a[b][c]=1&a[b]=2", "Query parameter 'a[b]' is both a value and an object")]
    [InlineData("=v", "Query parameter '' is both a value and an object")]
    public void Refuses_malformed_keys(string query, string expectedMessage)
    {
        var error = Assert.Throws<QuerySyntaxException>(() => Query.Tree(query));

        Assert.Equal(expectedMessage, error.Message);
    }

    [Theory]
    [InlineData(256, true)]
    [InlineData(257, false)]
    public void Allows_at_most_256_parameters(int count, bool allowed)
    {
        var query = Enumerable.Range(0, count).Select(i => new KeyValuePair<string, StringValues>($"k{i}", "v"));

        AssertAllowed(query, allowed);
    }

    [Theory]
    [InlineData(256, true)]
    [InlineData(257, false)]
    public void Counts_every_value_of_a_repeated_key(int count, bool allowed)
    {
        var query = new[] { new KeyValuePair<string, StringValues>("k", Enumerable.Repeat("v", count).ToArray()) };

        AssertAllowed(query, allowed);
    }

    [Fact]
    public void Counts_a_key_without_values_as_one_parameter()
    {
        var query = Enumerable.Range(0, 256).Select(i => new KeyValuePair<string, StringValues>($"k{i}", "v"))
            .Append(new KeyValuePair<string, StringValues>("empty", StringValues.Empty));

        AssertAllowed(query, allowed: false);
    }

    private static void AssertAllowed(IEnumerable<KeyValuePair<string, StringValues>> query, bool allowed)
    {
        if (allowed)
        {
            Assert.NotNull(QueryTree.Parse(query).Children);
        }
        else
        {
            var error = Assert.Throws<QuerySyntaxException>(() => QueryTree.Parse(query));
            Assert.Equal("Too many query parameters (at most 256)", error.Message);
        }
    }
}
