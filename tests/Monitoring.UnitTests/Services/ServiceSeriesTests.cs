using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Monitors;
using Monitoring.Grains.Services;

namespace Monitoring.UnitTests.Services;

/// <summary>
/// The per-service gauges keep one series per service while its labels and certificate expiry stay, and change its
/// latest result in place: a status and a response time are read together, as the grain last set them.
/// </summary>
public sealed class ServiceSeriesTests
{
    private static readonly ServiceConfig Config = new() { Id = 42, ClientId = 7, Name = "billing", EndpointUrl = "http://127.0.0.1:1/health" };
    private static readonly DateTimeOffset Expiry = DateTimeOffset.Parse("2027-03-01T00:00:00Z");

    public static TheoryData<HealthStatus?, int?> Results => new()
    {
        { null, null },
        { HealthStatus.Up, 0 },
        { HealthStatus.Up, 87 },
        { HealthStatus.Degraded, 2_001 },
        { HealthStatus.Down, int.MaxValue },
        { HealthStatus.Down, null },
        { null, 15 },
    };

    [Theory]
    [MemberData(nameof(Results))]
    public void The_latest_result_reads_back_as_it_was_set(HealthStatus? status, int? responseTimeMs)
    {
        var series = ServiceSeries.Of(Config, new ServiceRuntime(HealthStatus.Down, null, 5, null), previous: null);

        series.SetLatest(new ServiceRuntime(status, null, responseTimeMs, null));

        Assert.Equal((status, responseTimeMs), series.Latest);
    }

    [Fact]
    public void A_new_result_under_the_same_labels_changes_the_registered_series_in_place()
    {
        using var gauges = new ServiceGauges();
        gauges.Publish(Config, new ServiceRuntime(HealthStatus.Up, DateTimeOffset.UnixEpoch, 20, null) { TlsExpiresAt = Expiry });
        var first = gauges.Find(Config.Id);

        gauges.Publish(Config, new ServiceRuntime(HealthStatus.Down, DateTimeOffset.UnixEpoch.AddMinutes(5), 3_000, null) { TlsExpiresAt = Expiry });

        Assert.Same(first, gauges.Find(Config.Id));
        Assert.Equal((HealthStatus.Down, 3_000), first!.Latest);
        Assert.Equal(("42", "7", "billing", MonitorTypes.Http, Expiry), (first.ServiceId, first.ClientId, first.Name, first.Type, first.TlsExpiresAt));
    }

    public enum Change { Name, Type, Expiry, ExpiryGone }

    [Theory]
    [InlineData(Change.Name)]
    [InlineData(Change.Type)]
    [InlineData(Change.Expiry)]
    [InlineData(Change.ExpiryGone)]
    public void A_change_of_labels_or_expiry_registers_a_new_series_and_keeps_the_id_texts(Change change)
    {
        using var gauges = new ServiceGauges();
        var runtime = new ServiceRuntime(HealthStatus.Up, DateTimeOffset.UnixEpoch, 20, null) { TlsExpiresAt = Expiry };
        gauges.Publish(Config, runtime);
        var first = gauges.Find(Config.Id)!;
        var (config, next) = change switch
        {
            Change.Name => (Config with { Name = "billing-eu" }, runtime),
            Change.Type => (Config with { Type = MonitorTypes.Tcp }, runtime),
            Change.Expiry => (Config, runtime with { TlsExpiresAt = Expiry.AddDays(90) }),
            _ => (Config, runtime with { TlsExpiresAt = null }),
        };

        gauges.Publish(config, next with { LastResponseTimeMs = 30 });

        var second = gauges.Find(Config.Id)!;
        Assert.NotSame(first, second);
        Assert.Same(first.ServiceId, second.ServiceId);
        Assert.Same(first.ClientId, second.ClientId);
        Assert.Equal((config.Name, config.Type, next.TlsExpiresAt), (second.Name, second.Type, second.TlsExpiresAt));
        Assert.Equal((HealthStatus.Up, 30), second.Latest);
        Assert.Equal((HealthStatus.Up, 20), first.Latest);
    }

    [Fact]
    public void A_heartbeat_has_no_expiry_series_whatever_its_runtime_holds()
    {
        using var gauges = new ServiceGauges();
        var heartbeat = Config with { Type = MonitorTypes.Heartbeat, EndpointUrl = null };

        gauges.Publish(heartbeat, new ServiceRuntime(HealthStatus.Up, null, 0, null) { TlsExpiresAt = Expiry });
        var first = gauges.Find(Config.Id)!;
        gauges.Publish(heartbeat, new ServiceRuntime(HealthStatus.Down, null, 0, null) { TlsExpiresAt = Expiry.AddDays(1) });

        Assert.Null(first.TlsExpiresAt);
        Assert.Same(first, gauges.Find(Config.Id));
        Assert.Equal((HealthStatus.Down, 0), first.Latest);
    }
}
