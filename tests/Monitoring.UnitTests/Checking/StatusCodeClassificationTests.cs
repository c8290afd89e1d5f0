namespace Monitoring.UnitTests.Checking;

public sealed class StatusCodeClassificationTests
{
    [Theory]
    [InlineData(200, 200, "up", null)]
    [InlineData(204, 204, "up", null)]
    [InlineData(500, 200, "down", "HTTP 500")]
    [InlineData(502, 200, "down", "HTTP 502")]
    [InlineData(503, 200, "down", "HTTP 503")]
    [InlineData(599, 200, "down", "HTTP 599")]
    [InlineData(503, 503, "down", "HTTP 503")]
    [InlineData(429, 200, "degraded", "HTTP 429")]
    [InlineData(429, 429, "degraded", "HTTP 429")]
    [InlineData(404, 200, "degraded", "HTTP 404")]
    [InlineData(200, 204, "degraded", "HTTP 200")]
    [InlineData(301, 200, "degraded", "HTTP 301")]
    [InlineData(302, 200, "degraded", "HTTP 302")]
    [InlineData(499, 200, "degraded", "HTTP 499")]
    [InlineData(600, 200, "degraded", "HTTP 600")]
    [InlineData(418, 418, "up", null)]
    public void Classifies_the_status_code(int statusCode, int expectedStatusCode, string expectedStatus, string? expectedError)
    {
        var result = Observations.Classify(statusCode, expectedStatusCode: expectedStatusCode);

        Assert.Equal(expectedStatus, result.Status.ToWire());
        Assert.Equal(expectedError, result.Error);
        Assert.Equal(statusCode, result.StatusCode);
        Assert.Equal(10, result.ResponseTimeMs);
        Assert.Null(result.ReportedStatus);
        Assert.Null(result.DetailsJson);
    }
}
