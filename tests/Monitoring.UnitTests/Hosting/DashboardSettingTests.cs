using Microsoft.Extensions.Configuration;
using Monitoring.Hosting;
using Monitoring.Sql;

namespace Monitoring.UnitTests.Hosting;

public sealed class DashboardSettingTests
{
    private static IConfiguration With(string? value) => new ConfigurationBuilder()
        .AddInMemoryCollection(value is null ? [] : new Dictionary<string, string?> { ["Dashboard:Enabled"] = value })
        .Build();

    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("true", true)]
    [InlineData("True", true)]
    [InlineData("false", false)]
    [InlineData("FALSE", false)]
    public void Reads_the_switch_on_by_default(string? value, bool enabled) =>
        Assert.Equal(enabled, DashboardSetting.Enabled(With(value)));

    [Theory]
    [InlineData("no")]
    [InlineData("0")]
    [InlineData("off")]
    public void Refuses_what_is_not_a_boolean_naming_the_setting(string value)
    {
        var error = Assert.Throws<SettingException>(() => DashboardSetting.Enabled(With(value)));

        Assert.Contains("Dashboard__Enabled", error.Message);
        Assert.Contains(value, error.Message);
    }
}
