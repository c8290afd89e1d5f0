using Monitoring.Grains.Checking;

namespace Monitoring.UnitTests.Checking;

public sealed class NoAnswerClassificationTests
{
    [Theory]
    [InlineData(TransportFailure.Timeout, null, 5000, "timeout after 5000 ms")]
    [InlineData(TransportFailure.Timeout, "ignored", 250, "timeout after 250 ms")]
    [InlineData(TransportFailure.ConnectionRefused, null, 5000, "connection refused")]
    [InlineData(TransportFailure.ConnectionRefused, "Connection refused (127.0.0.1:1)", 5000, "connection refused")]
    [InlineData(TransportFailure.ConnectionReset, null, 5000, "connection reset")]
    [InlineData(TransportFailure.NameResolution, null, 5000, "DNS lookup failed")]
    [InlineData(TransportFailure.NameResolution, "Name or service not known", 5000, "DNS lookup failed: Name or service not known")]
    [InlineData(TransportFailure.Tls, null, 5000, "TLS handshake failed")]
    [InlineData(TransportFailure.Tls, "The remote certificate is invalid", 5000, "TLS handshake failed: The remote certificate is invalid")]
    [InlineData(TransportFailure.Unreachable, "No route to host", 5000, "host unreachable")]
    [InlineData(TransportFailure.Other, null, 5000, "request failed")]
    [InlineData(TransportFailure.Other, "", 5000, "request failed")]
    [InlineData(TransportFailure.Other, "The response ended prematurely", 5000, "request failed: The response ended prematurely")]
    public void No_http_answer_is_down_with_an_error_naming_the_cause(TransportFailure failure, string? detail, int timeoutMs, string expectedError)
    {
        var observation = HttpObservation.Failed(failure, 1234, detail);

        var result = HealthClassifier.Classify(observation, expectedStatusCode: 200, degradedThresholdMs: 2000, timeoutMs);

        Assert.Equal(new CheckResult(HealthStatus.Down, null, 1234, null, expectedError, null), result);
    }

    [Fact]
    public void No_http_answer_stays_down_with_the_transport_error_even_when_slower_than_the_threshold()
    {
        var observation = HttpObservation.Failed(TransportFailure.Timeout, 60_000);

        var result = HealthClassifier.Classify(observation, expectedStatusCode: 200, degradedThresholdMs: 1, timeoutMs: 60_000);

        Assert.Equal(new CheckResult(HealthStatus.Down, null, 60_000, null, "timeout after 60000 ms", null), result);
    }
}
