namespace Monitoring.UnitTests.Checking;

public sealed class ReportedStatusClassificationTests
{
    [Theory]
    [InlineData("healthy")]
    [InlineData("ok")]
    [InlineData("up")]
    [InlineData("pass")]
    [InlineData("Healthy")]
    [InlineData("OK")]
    [InlineData("Up")]
    [InlineData("PASS")]
    public void A_fine_top_level_status_changes_nothing(string word)
    {
        var result = Observations.Classify(200, $$"""{"status":"{{word}}"}""");

        Assert.Equal("up", result.Status.ToWire());
        Assert.Null(result.Error);
        Assert.Equal(word, result.ReportedStatus);
    }

    [Theory]
    [InlineData("degraded", "degraded")]
    [InlineData("warning", "degraded")]
    [InlineData("warn", "degraded")]
    [InlineData("Degraded", "degraded")]
    [InlineData("WARNING", "degraded")]
    [InlineData("Warn", "degraded")]
    [InlineData("unhealthy", "down")]
    [InlineData("error", "down")]
    [InlineData("down", "down")]
    [InlineData("fail", "down")]
    [InlineData("critical", "down")]
    [InlineData("Unhealthy", "down")]
    [InlineData("ERROR", "down")]
    [InlineData("DOWN", "down")]
    [InlineData("Fail", "down")]
    [InlineData("CRITICAL", "down")]
    public void A_bad_top_level_status_is_degraded_or_down_in_any_case(string word, string expectedStatus)
    {
        var result = Observations.Classify(200, $$"""{"status":"{{word}}"}""");

        Assert.Equal(expectedStatus, result.Status.ToWire());
        Assert.Equal($"reported status: {word}", result.Error);
        Assert.Equal(word, result.ReportedStatus);
        Assert.Equal(200, result.StatusCode);
    }

    [Theory]
    [InlineData("""{"status":"maintenance"}""", "maintenance")]
    [InlineData("""{"status":""}""", "")]
    [InlineData("""{"status":"unhealthy-ish"}""", "unhealthy-ish")]
    [InlineData("""{"status":1}""", "1")]
    [InlineData("""{"status":0}""", "0")]
    [InlineData("""{"status":true}""", "true")]
    [InlineData("""{"status":false}""", "false")]
    [InlineData("""{"status":{"state":"down"}}""", """{"state":"down"}""")]
    [InlineData("""{"status":["down"]}""", """["down"]""")]
    [InlineData("""{"status":null}""", null)]
    [InlineData("""{"state":"down"}""", null)]
    [InlineData("""{"Status":"down"}""", null)]
    [InlineData("""{}""", null)]
    public void An_unknown_or_non_string_status_changes_nothing(string body, string? expectedReported)
    {
        var result = Observations.Classify(200, body);

        Assert.Equal("up", result.Status.ToWire());
        Assert.Null(result.Error);
        Assert.Equal(expectedReported, result.ReportedStatus);
    }

    [Theory]
    [InlineData("""{"status":"unhealthy","message":"Database connection failed"}""", "reported status: unhealthy (Database connection failed)")]
    [InlineData("""{"status":"down","error":"disk full"}""", "reported status: down (disk full)")]
    [InlineData("""{"status":"down","reason":"maintenance window"}""", "reported status: down (maintenance window)")]
    [InlineData("""{"status":"down","description":"no quorum"}""", "reported status: down (no quorum)")]
    [InlineData("""{"status":"fail","output":"ECONNREFUSED"}""", "reported status: fail (ECONNREFUSED)")]
    [InlineData("""{"status":"down","error":"second","message":"first"}""", "reported status: down (first)")]
    [InlineData("""{"status":"down","message":"","error":"the error"}""", "reported status: down (the error)")]
    [InlineData("""{"status":"down","message":{"text":"x"},"error":"the error"}""", "reported status: down (the error)")]
    [InlineData("""{"status":"down","message":42}""", "reported status: down")]
    [InlineData("""{"status":"warn","message":null}""", "reported status: warn")]
    public void The_reason_comes_from_the_first_non_empty_text_field(string body, string expectedError)
    {
        var result = Observations.Classify(200, body);

        Assert.Equal(expectedError, result.Error);
    }

    [Fact]
    public void A_long_reason_is_cut_to_200_characters_and_an_ellipsis()
    {
        var message = new string('x', 199) + "yz" + new string('w', 50);

        var result = Observations.Classify(200, $$"""{"status":"down","message":"{{message}}"}""");

        Assert.Equal($"reported status: down ({new string('x', 199)}y…)", result.Error);
    }

    [Fact]
    public void A_reason_of_exactly_200_characters_is_kept_whole()
    {
        var message = new string('m', 200);

        var result = Observations.Classify(200, $$"""{"status":"down","message":"{{message}}"}""");

        Assert.Equal($"reported status: down ({message})", result.Error);
    }

    [Fact]
    public void The_reported_status_is_kept_as_sent_with_its_whitespace()
    {
        var result = Observations.Classify(200, """{"status":" Down "}""");

        Assert.Equal("down", result.Status.ToWire());
        Assert.Equal(" Down ", result.ReportedStatus);
        Assert.Equal("reported status:  Down ", result.Error);
    }
}
