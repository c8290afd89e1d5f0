using System.Globalization;
using System.Net;
using Monitoring.IntegrationTests.Infrastructure;
using Npgsql;

namespace Monitoring.IntegrationTests.Monitors;

/// <summary>
/// Heartbeats across real silo processes: the silo holding the heartbeats is killed (or hung, then resumed) between their
/// jobs' reports and the deadlines those reports cover. The other silo takes the deadlines over: no miss for a deadline a
/// stored report covers, exactly one for each that none covers, and the resumed silo stores nothing twice.
/// </summary>
public sealed class HeartbeatFleetTests
{
    // Every 4 s with 2 s of grace: a report at P covers the occurrences O with P in (O - 4 s, O + 2 s].
    private const string Cron = "*/4 * * * * *";
    private const int GraceSeconds = 2;
    private const int Services = 6;

    [Fact]
    public async Task A_silo_killed_between_the_reports_and_their_deadlines_leaves_one_miss_per_uncovered_deadline_and_none_for_covered_ones()
    {
        await using var setup = await Setup.StartAsync();

        var reportedAt = await setup.ReportAllAsync();
        setup.First.Kill();

        await Task.Delay(TimeSpan.FromSeconds(17));
        await setup.AssertMissesAsync(reportedAt, DateTimeOffset.UtcNow.AddSeconds(-2));
    }

    [Fact]
    public async Task A_hung_silo_that_resumes_stores_no_miss_the_other_silo_decided_and_none_for_a_stored_report()
    {
        await using var setup = await Setup.StartAsync();

        var reportedAt = await setup.ReportAllAsync();
        setup.First.Pause();
        await Task.Delay(TimeSpan.FromSeconds(12));

        // Its deadline timers are all overdue when it resumes: the database decides, so nothing is stored again.
        setup.First.Resume();
        await Task.Delay(TimeSpan.FromSeconds(6));
        await setup.AssertMissesAsync(reportedAt, DateTimeOffset.UtcNow.AddSeconds(-2));
    }

    private sealed class Setup : IAsyncDisposable
    {
        private readonly TestDatabase database;
        private readonly ProcessFleet fleet;
        private readonly HttpClient http;
        private readonly List<(long Id, string Ping)> heartbeats = [];

        private Setup(TestDatabase database, ProcessFleet fleet, HttpClient http, MonitoringProcess first)
        {
            this.database = database;
            this.fleet = fleet;
            this.http = http;
            First = first;
        }

        /// <summary>The silo that holds every heartbeat (they were created while it was alone).</summary>
        public MonitoringProcess First { get; }

        public static async Task<Setup> StartAsync()
        {
            var database = await TestDatabase.CreateAsync();
            var fleet = new ProcessFleet(database);
            var first = fleet.StartSilo();
            var (_, http) = await fleet.StartGatewayAsync();
            var setup = new Setup(database, fleet, http, first);
            var client = await http.CreateClientAsync();
            for (var i = 0; i < Services; i++)
            {
                var (status, body) = await http.PostJsonAsync("/client-services", new
                {
                    client_id = client, name = $"job {i}", type = "heartbeat", cron_schedule = Cron, grace_seconds = GraceSeconds,
                });
                Assert.True(status == HttpStatusCode.Created, body.ToString());
                setup.heartbeats.Add((body.GetProperty("id").GetInt64(), body.GetProperty("ping_url").GetString()!));
            }

            fleet.StartSilo();
            await Task.Delay(TimeSpan.FromSeconds(4));
            return setup;
        }

        /// <summary>Reports every job right after an occurrence (well before its deadline); answers when each report was stored.</summary>
        public async Task<Dictionary<long, DateTimeOffset>> ReportAllAsync()
        {
            var now = DateTimeOffset.UtcNow;
            var nextOccurrence = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second / 4 * 4, TimeSpan.Zero).AddSeconds(4);
            await Task.Delay(nextOccurrence.AddMilliseconds(150) - DateTimeOffset.UtcNow);
            using var anonymous = new HttpClient();
            foreach (var (_, ping) in heartbeats)
            {
                Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(ping)).StatusCode);
            }

            var reported = new Dictionary<long, DateTimeOffset>();
            foreach (var (id, _) in heartbeats)
            {
                reported[id] = await ScalarAsync<DateTimeOffset>($"SELECT max(checked_at) FROM service_status WHERE service_id = {id} AND trigger = 'ping'");
            }

            return reported;
        }

        /// <summary>
        /// Over the deadlines from the report to <paramref name="until"/>: a miss for exactly the occurrences the report does
        /// not cover (O ≥ P + 4 s), each once.
        /// </summary>
        public async Task AssertMissesAsync(Dictionary<long, DateTimeOffset> reportedAt, DateTimeOffset until)
        {
            foreach (var (id, reported) in reportedAt)
            {
                var stored = await DueTimesAsync(id, reported);
                var expected = new List<DateTimeOffset>();
                var occurrence = new DateTimeOffset(reported.Year, reported.Month, reported.Day, reported.Hour, reported.Minute, reported.Second / 4 * 4, TimeSpan.Zero);
                for (; occurrence.AddSeconds(GraceSeconds) <= until; occurrence = occurrence.AddSeconds(4))
                {
                    if (occurrence.AddSeconds(GraceSeconds) >= reported && occurrence >= reported.AddSeconds(4))
                    {
                        expected.Add(occurrence.AddSeconds(GraceSeconds));
                    }
                }

                Assert.True(expected.Count >= 2, $"the test waited too little: {expected.Count} uncovered deadlines");
                var upTo = stored.Where(t => t <= until).ToList();
                Assert.True(
                    expected.SequenceEqual(upTo),
                    $"service {id} reported at {reported:HH:mm:ss.fff}: expected misses at [{string.Join(", ", expected.Select(t => t.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)))}], "
                    + $"stored [{string.Join(", ", stored.Select(t => t.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)))}]\nfirst silo:\n{First.Output}");
            }

            Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) - count(DISTINCT (service_id, checked_at)) FROM service_status WHERE trigger = 'schedule'"));
        }

        private async Task<List<DateTimeOffset>> DueTimesAsync(long serviceId, DateTimeOffset from)
        {
            await using var connection = new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "SELECT checked_at FROM service_status WHERE service_id = $1 AND trigger = 'schedule' AND checked_at >= $2 ORDER BY checked_at", connection);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = serviceId });
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = from.UtcDateTime });
            await using var reader = await command.ExecuteReaderAsync();
            var times = new List<DateTimeOffset>();
            while (await reader.ReadAsync())
            {
                times.Add(new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(0), DateTimeKind.Utc)));
            }

            return times;
        }

        private async Task<T> ScalarAsync<T>(string sql)
        {
            await using var connection = new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            var value = await command.ExecuteScalarAsync();
            return value is DateTime time && typeof(T) == typeof(DateTimeOffset)
                ? (T)(object)new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc))
                : (T)value!;
        }

        public async ValueTask DisposeAsync()
        {
            http.Dispose();
            await fleet.DisposeAsync();
            await database.DisposeAsync();
        }
    }
}
