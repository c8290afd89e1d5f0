namespace Monitoring.UnitTests.Checking;

public sealed class NonJsonBodyClassificationTests
{
    public static TheoryData<string> BodiesThatSayNothing => new()
    {
        string.Empty,
        "   \r\n\t ",
        "OK",
        "down",
        "<html><body>status: down</body></html>",
        "\"down\"",
        "[{\"status\":\"down\"}]",
        "42",
        "null",
        "{not json",
        "{\"status\":\"down\"",
        "{\"status\":\"down\",}",
        "{\"status\":'down'}",
        "{\"status\":\"down\"} trailing",
        "{\"status\":\"down\",\"checks\":{\"db\":\"dow",
        "{\"status\":\"down\",\"deep\":" + new string('[', 40) + new string(']', 40) + "}",
    };

    [Theory]
    [MemberData(nameof(BodiesThatSayNothing))]
    public void A_body_that_is_not_a_json_object_changes_nothing(string body)
    {
        var result = Observations.Classify(200, body);

        Assert.Equal("up", result.Status.ToWire());
        Assert.Null(result.Error);
        Assert.Null(result.ReportedStatus);
        Assert.Null(result.DetailsJson);
    }

    [Fact]
    public void Leading_whitespace_before_the_object_is_allowed()
    {
        var result = Observations.Classify(200, " \r\n\t{\"status\":\"down\"}");

        Assert.Equal("down", result.Status.ToWire());
        Assert.Equal("reported status: down", result.Error);
    }
}
