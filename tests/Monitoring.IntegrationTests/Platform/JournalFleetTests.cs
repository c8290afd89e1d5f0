using System.Net;
using Monitoring.IntegrationTests.Infrastructure;
using Npgsql;

namespace Monitoring.IntegrationTests.Platform;

/// <summary>Results of checks made while PostgreSQL is away survive a silo killed in the middle of the outage.</summary>
public sealed class JournalFleetTests
{
    /// <summary>
    /// "refused": every connection to PostgreSQL is dropped and new ones refused (a server that is down; the silo's
    /// connection string has short timeouts, 2 s to connect and 5 s per command); "unanswered": dropped, and new ones
    /// accepted but never answered (a host gone from the network); "frozen": nothing relayed any more on open
    /// connections or new ones (a partition; the pooled connection hangs under the next COPY). The last two keep
    /// Npgsql's default timeouts, so the writer's own bounds (5 s to connect, 5 s for a COPY) are what is tried.
    /// </summary>
    [Theory]
    [InlineData("refused")]
    [InlineData("unanswered")]
    [InlineData("frozen")]
    public async Task A_silo_killed_during_a_database_outage_stores_every_result_once_when_it_starts_again(string outage)
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var target = await TargetServer.StartAsync();
        var server = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        await using var proxy = new TcpProxy(new IPEndPoint(IPAddress.Loopback, server.Port));
        server.Port = proxy.Port;
        if (outage == "refused")
        {
            server.Timeout = 2;
            server.CommandTimeout = 5;
        }

        await using var fleet = new ProcessFleet(database);
        var silo = new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = server.ConnectionString,
            ["SILO_PORT"] = FreePort.Next().ToString(),
            ["GATEWAY_PORT"] = FreePort.Next().ToString(),
        };
        var first = fleet.StartSilo(silo);
        var (_, http) = await fleet.StartGatewayAsync();
        var client = await http.CreateClientAsync();
        var services = new Dictionary<string, long>();
        foreach (var key in new[] { "journal-a", "journal-b", "journal-c" })
        {
            services[key] = (await http.CreateServiceAsync(client, target.Url($"/numbered/{key}"), new { cron_schedule = "* * * * * *" })).GetProperty("id").GetInt64();
        }

        await Eventually.IsTrueAsync(async () => await database.ScalarAsync<long>("SELECT count(*) FROM service_status") >= 6, TimeSpan.FromSeconds(30), "checks stored before the outage");

        // Act: PostgreSQL goes away; checks go on for a few seconds; the silo is killed; PostgreSQL comes back; the silo starts again.
        if (outage == "refused")
        {
            proxy.Cut();
        }
        else if (outage == "unanswered")
        {
            proxy.Silence();
        }
        else
        {
            proxy.Freeze();
        }

        var cutAt = DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(9));
        first.Kill();
        var killedAt = DateTimeOffset.UtcNow;
        proxy.Restore();
        var second = fleet.StartSilo(silo);

        // Assert: every answer a target sent during the outage, up to two seconds before the kill, is stored, once (the
        // writer holds a result in memory for 200 ms and a flush to disk; the rest is room for a loaded machine). Each
        // answer carries its own number, which the stored result keeps: no guessing which row belongs to which request.
        foreach (var (key, service) in services)
        {
            var during = target.Answers(key).Where(a => a.AnsweredAt > cutAt && a.AnsweredAt < killedAt - TimeSpan.FromSeconds(2)).ToList();
            Assert.True(during.Count >= 5, $"{key}: only {during.Count} checks during the outage");
            try
            {
                await Eventually.IsTrueAsync(async () => (await NumberedAnswers.StoredAsync(database, service)).IsSupersetOf(during.Select(a => a.Number)),
                    TimeSpan.FromSeconds(90), $"{key}: the {during.Count} results of the outage to be stored");
            }
            catch (TimeoutException timeout)
            {
                var stored = await NumberedAnswers.StoredAsync(database, service);
                var missing = during.Where(a => !stored.Contains(a.Number)).Select(a => $"#{a.Number} answered {a.AnsweredAt:HH:mm:ss.fff}");
                throw new TimeoutException(
                    $"{timeout.Message} Cut {cutAt:HH:mm:ss.fff}, killed {killedAt:HH:mm:ss.fff}; missing {string.Join(", ", missing)}\n" +
                    $"first silo:\n{first.Output}\nsecond silo:\n{second.Output}", timeout);
            }

            Assert.Equal(0L, await NumberedAnswers.StoredTwiceAsync(database, service));
        }

        Assert.Equal(0L, await database.ScalarAsync<long>("SELECT count(*) - count(DISTINCT segment_id) FROM status_journal_replays"));
        Assert.True(await database.ScalarAsync<long>("SELECT count(*) FROM status_journal_replays") > 0);
        await Eventually.IsTrueAsync(() => Task.FromResult(!Directory.EnumerateFiles(fleet.JournalFolder, "*.results", SearchOption.AllDirectories).Any()),
            TimeSpan.FromSeconds(30), "the journal to be emptied");
    }
}
