namespace Monitoring.UnitTests.Checking;

public sealed class WorstResultTests
{
    [Theory]
    [InlineData(503, 200, """{"status":"unhealthy"}""", 5000, "down", "HTTP 503")]
    [InlineData(503, 200, """{"status":"ok"}""", 5000, "down", "HTTP 503")]
    [InlineData(500, 200, "", 10, "down", "HTTP 500")]
    [InlineData(404, 200, """{"status":"unhealthy"}""", 10, "down", "reported status: unhealthy")]
    [InlineData(404, 200, """{"status":"degraded"}""", 10, "degraded", "HTTP 404")]
    [InlineData(404, 200, """{"status":"ok","checks":{"db":"down"}}""", 5000, "degraded", "HTTP 404")]
    [InlineData(429, 200, """{"status":"warn"}""", 5000, "degraded", "HTTP 429")]
    [InlineData(429, 200, """{"status":"critical"}""", 5000, "down", "reported status: critical")]
    [InlineData(200, 200, """{"status":"warn"}""", 5000, "degraded", "reported status: warn")]
    [InlineData(200, 200, """{"status":"ok","checks":{"db":"down"}}""", 5000, "degraded", "dependency db reports a problem")]
    [InlineData(200, 200, """{"status":"ok"}""", 5000, "degraded", "slow response: 5000 ms (threshold 2000 ms)")]
    [InlineData(200, 200, "not json", 5000, "degraded", "slow response: 5000 ms (threshold 2000 ms)")]
    [InlineData(200, 200, """{"status":"down"}""", 5000, "down", "reported status: down")]
    public void The_worst_result_wins_and_the_error_names_the_first_rule_that_gave_it(
        int statusCode, int expectedStatusCode, string body, int responseTimeMs, string expectedStatus, string expectedError)
    {
        var result = Observations.Classify(statusCode, body, responseTimeMs, expectedStatusCode, degradedThresholdMs: 2000);

        Assert.Equal(expectedStatus, result.Status.ToWire());
        Assert.Equal(expectedError, result.Error);
    }

    [Fact]
    public void A_server_error_keeps_the_reported_status_and_details_of_its_body()
    {
        var result = Observations.Classify(503, """{"status":"unhealthy","checks":{"db":"down"}}""", 42);

        Assert.Equal(new Monitoring.Grains.Checking.CheckResult(HealthStatus.Down, 503, 42, "unhealthy", "HTTP 503", """{"db":"down"}"""), result);
    }
}
