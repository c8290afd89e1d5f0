using Monitoring.Grains.Checking;

namespace Monitoring.UnitTests.Checking;

/// <summary>Checks:UserAgent is sent as written, so a silo refuses to start with one that is not a User-Agent value.</summary>
public class UserAgentSettingTests
{
    [Theory]
    [InlineData("monitoring-health-check/1.0", true)]
    [InlineData("probe/2 (+https://status.example.com)", true)]
    [InlineData("probe", true)]
    [InlineData("probe/2 other/3", true)]
    [InlineData("", false)]
    [InlineData("   ", false)]
    [InlineData(null, false)]
    [InlineData("probe 1.0 [x]", false)]
    [InlineData("probe/1.0\r\nX-Injected: yes", false)]
    [InlineData("sonde-ü/1", false)]
    public void Only_product_tokens_and_comments_are_a_user_agent(string? value, bool valid) =>
        Assert.Equal(valid, CheckOptions.IsValidUserAgent(value));
}
