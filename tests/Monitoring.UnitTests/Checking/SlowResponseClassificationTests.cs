namespace Monitoring.UnitTests.Checking;

public sealed class SlowResponseClassificationTests
{
    [Theory]
    [InlineData(2001, 2000, "degraded", "slow response: 2001 ms (threshold 2000 ms)")]
    [InlineData(2000, 2000, "up", null)]
    [InlineData(1999, 2000, "up", null)]
    [InlineData(2, 1, "degraded", "slow response: 2 ms (threshold 1 ms)")]
    [InlineData(1, 1, "up", null)]
    [InlineData(3_600_001, 3_600_000, "degraded", "slow response: 3600001 ms (threshold 3600000 ms)")]
    [InlineData(0, null, "up", null)]
    [InlineData(60_000, null, "up", null)]
    [InlineData(int.MaxValue, null, "up", null)]
    public void Slower_than_the_threshold_is_degraded_and_a_null_threshold_means_never(int responseTimeMs, int? thresholdMs, string expectedStatus, string? expectedError)
    {
        var result = Observations.Classify(200, """{"status":"ok"}""", responseTimeMs, degradedThresholdMs: thresholdMs);

        Assert.Equal(expectedStatus, result.Status.ToWire());
        Assert.Equal(expectedError, result.Error);
        Assert.Equal(responseTimeMs, result.ResponseTimeMs);
    }
}
