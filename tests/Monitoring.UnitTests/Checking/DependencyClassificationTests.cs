namespace Monitoring.UnitTests.Checking;

public sealed class DependencyClassificationTests
{
    [Theory]
    [InlineData("""{"status":"ok","checks":{"db":"down"}}""", "dependency db reports a problem")]
    [InlineData("""{"status":"ok","services":{"db":"up","cache":"warning"}}""", "dependency cache reports a problem")]
    [InlineData("""{"status":"ok","dependencies":{"queue":"FAIL"}}""", "dependency queue reports a problem")]
    [InlineData("""{"checks":{"db":"unhealthy"}}""", "dependency db reports a problem")]
    [InlineData("""{"status":"maintenance","checks":{"db":"critical"}}""", "dependency db reports a problem")]
    [InlineData("""{"status":"ok","checks":{"db":{"status":"down"}}}""", "dependency db reports a problem")]
    [InlineData("""{"status":"ok","checks":{"db":{"status":"error","message":"connection refused"}}}""", "dependency db reports a problem (connection refused)")]
    [InlineData("""{"status":"ok","checks":{"db":{"status":"warn","output":"slow queries"}}}""", "dependency db reports a problem (slow queries)")]
    [InlineData("""{"status":"ok","checks":{"db":"ok","cache":{"status":"degraded","error":"evicting"},"queue":"down"}}""", "dependency cache reports a problem (evicting)")]
    [InlineData("""{"status":"ok","checks":["ok","down"]}""", "dependency #1 reports a problem")]
    [InlineData("""{"status":"ok","services":[{"name":"cache","status":"up"},{"name":"queue","status":"warn"}]}""", "dependency queue reports a problem")]
    [InlineData("""{"status":"ok","dependencies":[{"status":"pass"},{"status":"fail","reason":"timeout"}]}""", "dependency #1 reports a problem (timeout)")]
    [InlineData("""{"status":"ok","dependencies":[{"name":5,"status":"down"}]}""", "dependency #0 reports a problem")]
    [InlineData("""{"status":"ok","checks":{"db":"ok"},"services":{"api":"down"}}""", "dependency api reports a problem")]
    [InlineData("""{"status":"ok","checks":{"db":"down"},"dependencies":{"queue":"down"}}""", "dependency db reports a problem")]
    public void A_bad_dependency_under_a_fine_top_level_status_is_degraded(string body, string expectedError)
    {
        var result = Observations.Classify(200, body);

        Assert.Equal("degraded", result.Status.ToWire());
        Assert.Equal(expectedError, result.Error);
    }

    [Theory]
    [InlineData("""{"status":"ok","checks":{"db":"ok","cache":"UP","queue":"healthy","mail":"pass"}}""")]
    [InlineData("""{"status":"ok","checks":{"db":{"status":"ok"}}}""")]
    [InlineData("""{"status":"ok","checks":{"db":{"status":false}}}""")]
    [InlineData("""{"status":"ok","checks":{"db":{"status":{"state":"down"}}}}""")]
    [InlineData("""{"status":"ok","checks":{"db":{"state":"down"}}}""")]
    [InlineData("""{"status":"ok","checks":{"db":"maintenance"}}""")]
    [InlineData("""{"status":"ok","checks":{"db":1}}""")]
    [InlineData("""{"status":"ok","checks":[null,true,3]}""")]
    [InlineData("""{"status":"ok","checks":"down"}""")]
    [InlineData("""{"status":"ok","checks":null}""")]
    [InlineData("""{"status":"ok","health":{"db":"down"}}""")]
    [InlineData("""{"status":"ok","checks":{"db":{"checks":{"inner":"down"}}}}""")]
    [InlineData("""{"status":"ok","checks":{}}""")]
    [InlineData("""{"status":"ok","checks":[]}""")]
    public void Dependencies_that_report_nothing_bad_change_nothing(string body)
    {
        var result = Observations.Classify(200, body);

        Assert.Equal("up", result.Status.ToWire());
        Assert.Null(result.Error);
    }

    [Fact]
    public void A_bad_top_level_status_takes_precedence_over_a_bad_dependency()
    {
        var result = Observations.Classify(200, """{"status":"warn","checks":{"db":"down"}}""");

        Assert.Equal("degraded", result.Status.ToWire());
        Assert.Equal("reported status: warn", result.Error);
    }

    [Fact]
    public void A_bad_top_level_status_without_a_reason_takes_the_reason_of_the_bad_dependency()
    {
        var result = Observations.Classify(200, """{"status":"unhealthy","checks":{"db":{"status":"down","message":"Database connection failed"}}}""");

        Assert.Equal("down", result.Status.ToWire());
        Assert.Equal("reported status: unhealthy (Database connection failed)", result.Error);
    }

    [Fact]
    public void The_error_of_a_bad_dependency_names_its_own_reason_not_the_top_level_message()
    {
        // The top level says all is well; the cause of the degradation is the database's own message.
        var body = """{"status":"ok","message":"Service is running","checks":{"db":{"status":"down","error":"connection refused"}}}""";

        var result = Observations.Classify(200, body);

        Assert.Equal("degraded", result.Status.ToWire());
        Assert.Equal("dependency db reports a problem (connection refused)", result.Error);
    }
}
