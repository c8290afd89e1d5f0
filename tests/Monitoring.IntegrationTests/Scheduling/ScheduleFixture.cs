using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Monitoring.Grains;
using Monitoring.Grains.Interfaces;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.IntegrationTests.Infrastructure;
using Monitoring.Silo;
using Monitoring.Sql;
using Orleans.TestingHost;

namespace Monitoring.IntegrationTests.Scheduling;

/// <summary>
/// An Orleans test cluster whose grains (and grain timers) run on a <see cref="FakeTimeProvider"/>, with the
/// real storage, reminders and result writer on PostgreSQL and a real target server. Orleans' own background
/// work stays on real time.
/// </summary>
public sealed class ScheduleFixture : IAsyncLifetime
{
    public FakeTimeProvider Time { get; } = new(StartOfNextMinute(DateTimeOffset.UtcNow.AddMinutes(2)));

    public TestDatabase Database { get; private set; } = null!;

    public TargetServer Target { get; private set; } = null!;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        Target = await TargetServer.StartAsync();
        var database = new DatabaseSettings(Database.ConnectionString);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ENCRYPTION_KEY"] = InProcessFleet.EncryptionKey })
            .Build();

        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMonitoringPersistence(database);
            silo.Services.AddMonitoringGrains(configuration, database);

            // These tests pin cron semantics to exact times on a fake clock: the spread of old (a tenth of the gap, at
            // most 1 s) keeps every check within the second of its occurrence. The default spread's bounds are
            // unit-tested (SpreadOffsetTests) and seen through the API (HardeningApiTests, ClientServicesApiTests).
            silo.Services.Configure<Monitoring.Grains.Scheduling.ScheduleOptions>(o =>
            {
                o.MaxSpread = TimeSpan.FromSeconds(1);
                o.SpreadFraction = 0.1;

                // A fake clock's jumps make the timers they pass look late, which pacing would take for a saturated
                // silo; pacing is unit-tested on a fake clock of its own (CheckAdmissionTests).
                o.PaceChecks = false;
            });
            silo.Services.RemoveAll<TimeProvider>();
            silo.Services.AddSingleton<TimeProvider>(Time);
            silo.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await Target.DisposeAsync();
        await Database.DisposeAsync();
    }

    public async Task<IServiceMonitorGrain> CreateServiceAsync(string cron, string? timeZone = null, string? url = null)
    {
        var client = await Grains.GetGrain<IClientRegistryGrain>(0).CreateAsync(new ClientFields { Name = $"c-{Guid.NewGuid():N}" });
        var fields = new ServiceFields
        {
            Name = "scheduled",
            EndpointUrl = url ?? Target.Reply(200, "{\"status\":\"ok\"}"),
            CronSchedule = cron,
            CronTimezone = timeZone is null ? default : new Optional<string?>(true, timeZone),
        };
        var created = await Grains.GetGrain<IClientGrain>(client.Value!.Id).CreateServiceAsync(fields);
        Assert.True(created.Failure is null, created.Failure?.Message);
        return Grains.GetGrain<IServiceMonitorGrain>(created.Value!.Id);
    }

    public Task<long> ScheduledChecksAsync(IServiceMonitorGrain service) =>
        Database.ScalarAsync<long>("SELECT count(*) FROM service_status WHERE service_id = $1 AND trigger = 'schedule'", service.GetPrimaryKeyLong());

    /// <summary>Advances the clock and waits until the service has exactly <paramref name="expected"/> scheduled checks stored.</summary>
    public async Task AdvanceAsync(IServiceMonitorGrain service, TimeSpan by, long expected)
    {
        Time.Advance(by);
        await Eventually.IsTrueAsync(async () => await ScheduledChecksAsync(service) >= expected, TimeSpan.FromSeconds(20),
            $"{expected} scheduled checks of service {service.GetPrimaryKeyLong()} after advancing to {Time.GetUtcNow():O}");
        Assert.Equal(expected, await ScheduledChecksAsync(service));
    }

    /// <summary>Advances the clock to the service's next_check_at (its occurrence plus its spread offset) and waits for the check.</summary>
    public async Task AdvanceToNextCheckAsync(IServiceMonitorGrain service, long expected)
    {
        var next = (await service.GetAsync(null)).Value!.NextCheckAt!.Value;
        var by = next - Time.GetUtcNow();
        await AdvanceAsync(service, by > TimeSpan.Zero ? by : TimeSpan.Zero, expected);
    }

    /// <summary>Lets whatever was queued run, then asserts that nothing more was stored.</summary>
    public async Task AssertStaysAsync(IServiceMonitorGrain service, long expected)
    {
        await Task.Delay(400);
        Assert.Equal(expected, await ScheduledChecksAsync(service));
    }

    private static DateTimeOffset StartOfNextMinute(DateTimeOffset time) =>
        new(time.Year, time.Month, time.Day, time.Hour, time.Minute, 0, TimeSpan.Zero);
}
