using Monitoring.Grains;
using Monitoring.Grains.Interfaces.Models;
using Npgsql;

namespace Monitoring.UnitTests.Hosting;

/// <summary>Which exceptions cross a grain call as they are; every other becomes a GrainFaultException.</summary>
public sealed class GrainFaultFilterTests
{
    public static TheoryData<Exception, bool> Cases() => new()
    {
        { new TimeoutException(), true },
        { new OperationCanceledException(), true },
        { new TaskCanceledException(), true },
        { new NpgsqlException("down"), true },
        { new OrleansException("cluster"), true },
        { new SiloUnavailableException(), true },
        { new GrainFaultException("wrapped"), true },
        { new Cronos.CronFormatException("bad"), false },
        { new System.Security.SecurityException("tz folder"), false },
        { new InvalidOperationException(), false },
        { new ArgumentOutOfRangeException("dueTime"), false },
        { new NullReferenceException(), false },
        { new Monitoring.Grains.History.ResultNotStoredException("x"), false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Only_exceptions_the_gateway_maps_travel_as_they_are(Exception exception, bool travels) =>
        Assert.Equal(travels, GrainFaultFilter.Travels(exception));
}
