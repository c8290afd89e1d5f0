using System.Runtime;
using Microsoft.Extensions.Configuration;
using Monitoring.Silo;
using Monitoring.Sql;

namespace Monitoring.IntegrationTests.Operations;

public sealed class GcLatencySettingTests
{
    [Theory]
    [InlineData(null, GCLatencyMode.Interactive)]
    [InlineData("", GCLatencyMode.Interactive)]
    [InlineData("Interactive", GCLatencyMode.Interactive)]
    [InlineData("SustainedLowLatency", GCLatencyMode.SustainedLowLatency)]
    [InlineData(" sustainedlowlatency ", GCLatencyMode.SustainedLowLatency)]
    public void Reads_the_mode_or_the_default(string? value, GCLatencyMode expected)
    {
        Assert.Equal(expected, GcLatencySetting.Read(Settings(value)));
    }

    [Theory]
    [InlineData("Batch")]
    [InlineData("LowLatency")]
    [InlineData("3")]
    [InlineData("fast")]
    public void Refuses_any_other_value_by_name(string value)
    {
        var error = Assert.Throws<SettingException>(() => GcLatencySetting.Read(Settings(value)));
        Assert.Contains("Runtime__GcLatencyMode", error.Message);
        Assert.Contains(value, error.Message);
    }

    private static IConfiguration Settings(string? value) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Runtime:GcLatencyMode"] = value }).Build();
}
