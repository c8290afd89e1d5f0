using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Monitoring.Grains.Checking;
using Monitoring.Grains.History;
using Monitoring.IntegrationTests.Infrastructure;
using Npgsql;

namespace Monitoring.IntegrationTests.History;

/// <summary>The group-commit writer against a real PostgreSQL, reached through a relay the tests can cut.</summary>
public sealed class StatusWriterTests : IAsyncLifetime
{
    private TestDatabase database = null!;
    private TcpProxy proxy = null!;
    private NpgsqlDataSource dataSource = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync();
        var server = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        proxy = new TcpProxy(new IPEndPoint(IPAddress.Loopback, server.Port));
        server.Port = proxy.Port;
        server.Timeout = 2;
        server.CommandTimeout = 5;
        dataSource = NpgsqlDataSource.Create(server.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await dataSource.DisposeAsync();
        await proxy.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task Many_results_are_committed_in_few_round_trips_each_exactly_once()
    {
        using var metrics = new HistoryMetrics();
        var writer = Writer(metrics, new HistoryOptions());
        await writer.StartAsync(CancellationToken.None);

        var records = await Task.WhenAll(Enumerable.Range(0, 5000).Select(i => writer.WriteAsync(Draft(serviceId: i % 50))));

        Assert.Equal(5000, records.Select(r => r.Id).Distinct().Count());
        Assert.Equal(5000L, await database.ScalarAsync<long>("SELECT count(*) FROM service_status"));
        Assert.Equal(5000L, await database.ScalarAsync<long>("SELECT count(DISTINCT id) FROM service_status"));
        var stored = await database.ScalarAsync<string>("SELECT status || ',' || status_code || ',' || trigger FROM service_status WHERE id = $1", records[7].Id);
        Assert.Equal("down,503,schedule", stored);
        await writer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task While_postgres_is_away_results_wait_and_are_written_once_when_it_returns()
    {
        using var metrics = new HistoryMetrics();
        var writer = Writer(metrics, new HistoryOptions());
        await writer.StartAsync(CancellationToken.None);
        await writer.WriteAsync(Draft(1));

        // Act: cut the database off, hand over results, restore it.
        proxy.Cut();
        var waiting = Enumerable.Range(0, 200).Select(i => writer.WriteAsync(Draft(2))).ToList();
        await Task.Delay(TimeSpan.FromSeconds(1)); // PostgreSQL stays away for a second
        Assert.All(waiting, task => Assert.False(task.IsCompleted));
        proxy.Restore();
        var records = await Task.WhenAll(waiting).WaitAsync(TimeSpan.FromSeconds(60));

        // Assert
        Assert.Equal(200, records.Select(r => r.Id).Distinct().Count());
        Assert.Equal(200L, await database.ScalarAsync<long>("SELECT count(*) FROM service_status WHERE service_id = 2"));
        await writer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task What_the_buffer_cannot_hold_is_refused_and_counted_never_silently_dropped()
    {
        using var metrics = new HistoryMetrics();
        var writer = Writer(metrics, new HistoryOptions { BufferCapacity = 10, MaxBatchSize = 5 });
        await writer.StartAsync(CancellationToken.None);
        proxy.Cut();

        var handedOver = Enumerable.Range(0, 40).Select(_ => writer.WriteAsync(Draft(3))).ToList();

        var refused = handedOver.Where(t => t.IsFaulted).ToList();
        Assert.NotEmpty(refused);
        Assert.All(refused, t => Assert.IsType<ResultNotStoredException>(t.Exception!.InnerException));
        proxy.Restore();
        var stored = await Task.WhenAll(handedOver.Where(t => !t.IsFaulted)).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(40, stored.Length + refused.Count);
        Assert.Equal((long)stored.Length, await database.ScalarAsync<long>("SELECT count(*) FROM service_status WHERE service_id = 3"));
        await writer.StopAsync(CancellationToken.None);
    }

    private StatusWriter Writer(HistoryMetrics metrics, HistoryOptions options) =>
        new(dataSource, Options.Create(options), metrics, NullLogger<StatusWriter>.Instance);

    private static StatusDraft Draft(long serviceId) => new(
        serviceId, 1, new CheckResult("down", 503, 12, null, "HTTP 503", null), "schedule", DateTimeOffset.UtcNow);
}
