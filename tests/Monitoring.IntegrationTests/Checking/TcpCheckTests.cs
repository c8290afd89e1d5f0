using Monitoring.Grains.Checking;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Checking;

/// <summary>tcp:// checks against real listeners on 127.0.0.1, classified by the contract's tcp rules.</summary>
public sealed class TcpCheckTests(CheckerFixture fixture) : IClassFixture<CheckerFixture>
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task A_listening_port_is_up(string host)
    {
        using var listener = RawListener.Closing();

        var observation = await fixture.ObserveAsync(Tcp($"tcp://{host}:{listener.Port}"));

        Assert.True(observation is { Reached: true, StatusCode: null, CertificateNotAfter: null }, observation.ToString());
        var result = HealthClassifier.ClassifyTcp(observation, 2000, 5000, tlsExpiryDays: 14, DateTimeOffset.UtcNow);
        Assert.Equal(new CheckResult(HealthStatus.Up, null, observation.ResponseTimeMs, null, null, null), result);
    }

    [Fact]
    public async Task A_slow_connection_is_degraded_by_the_threshold()
    {
        using var listener = RawListener.Silent();

        var observation = await fixture.ObserveAsync(Tcp($"tcp://127.0.0.1:{listener.Port}"));

        // Any connection takes at least 0 ms: a threshold of -1 ms makes every one slow without waiting.
        Assert.Equal($"slow response: {observation.ResponseTimeMs} ms (threshold -1 ms)", HealthClassifier.ClassifyTcp(observation, -1, 5000).Error);
    }

    [Fact]
    public async Task A_refused_port_is_down()
    {
        var observation = await fixture.ObserveAsync(Tcp($"tcp://127.0.0.1:{FreePort.Next()}"));

        Assert.Equal((HealthStatus.Down, "connection refused"), Classified(observation));
    }

    [Fact]
    public async Task An_address_in_a_denied_network_is_never_connected_to()
    {
        var observation = await fixture.ObserveAsync(Tcp("tcp://169.254.169.254:80"));

        Assert.Equal((HealthStatus.Down, "address denied: 169.254.169.254 resolves to 169.254.169.254, which is in the denied network 169.254.0.0/16"), Classified(observation));
    }

    [Fact]
    public async Task A_name_that_does_not_resolve_is_down()
    {
        var observation = await fixture.ObserveAsync(Tcp("tcp://monitoring-test.invalid:5432"));

        var (status, error) = Classified(observation);
        Assert.Equal(HealthStatus.Down, status);
        Assert.StartsWith("DNS lookup failed", error);
    }

    private static TcpCheckRequest Tcp(string url) =>
        TcpCheckRequest.TryParse(url, TimeSpan.FromSeconds(5), tlsVerify: true, out var request, out var error) ? request : throw new ArgumentException(error, nameof(url));

    private static (HealthStatus, string?) Classified(HttpObservation observation)
    {
        var result = HealthClassifier.ClassifyTcp(observation, 2000, 5000);
        return (result.Status, result.Error);
    }
}
