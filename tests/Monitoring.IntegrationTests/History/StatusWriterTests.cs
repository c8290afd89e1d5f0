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
    private readonly string journalFolder = Path.Combine(Path.GetTempPath(), $"journal-{Guid.NewGuid():N}");
    private readonly List<ResultJournal> journals = [];

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
        journals.ForEach(j => j.Dispose());
        Directory.Delete(journalFolder, recursive: true);
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
    public async Task Results_that_keep_arriving_are_copied_at_most_once_per_commit_interval()
    {
        using var metrics = new HistoryMetrics();
        var interval = TimeSpan.FromMilliseconds(200);
        var writer = Writer(metrics, new HistoryOptions { CommitInterval = interval });
        using var copies = new CopyCounter(metrics);
        await writer.StartAsync(CancellationToken.None);

        // Act: a result every few milliseconds for a second or more, as a busy silo hands them over.
        var started = System.Diagnostics.Stopwatch.StartNew();
        var handedOver = new List<Task<StatusRecord>>();
        for (var i = 0; i < 300; i++)
        {
            handedOver.Add(writer.WriteAsync(Draft(serviceId: i % 30)));
            await Task.Delay(2);
        }

        await Task.WhenAll(handedOver);
        var elapsed = started.Elapsed;

        // Assert: every result stored once; the starts of two COPYs are the interval apart (less the few milliseconds a
        // timer may fire early on Linux, hence nine tenths), so there are at most about elapsed / interval + 1 of them (a
        // slower machine makes fewer). Without the interval the writer copied whatever had gathered each time its last
        // COPY ended: about 30 COPYs here, against a bound under 10.
        Assert.Equal(300L, await database.ScalarAsync<long>("SELECT count(DISTINCT id) FROM service_status"));
        Assert.InRange(copies.Count, 1, (int)(elapsed / (interval * 0.9)) + 1);
        await writer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_writer_told_to_commit_promptly_no_longer_waits_out_the_interval()
    {
        using var metrics = new HistoryMetrics();
        var writer = Writer(metrics, new HistoryOptions { CommitInterval = TimeSpan.FromSeconds(1) });
        using var copies = new CopyCounter(metrics);
        await writer.StartAsync(CancellationToken.None);

        // Act: a silo starts handing its services over, then results arrive every 30 ms for about a second.
        writer.CommitPromptly();
        var handedOver = new List<Task<StatusRecord>>();
        for (var i = 0; i < 30; i++)
        {
            handedOver.Add(writer.WriteAsync(Draft(serviceId: i)));
            await Task.Delay(30);
        }

        await Task.WhenAll(handedOver);

        // Assert: more COPYs than a 1-s interval allows in that time (at most two); each went as soon as it could.
        Assert.Equal(30L, await database.ScalarAsync<long>("SELECT count(DISTINCT id) FROM service_status"));
        Assert.True(copies.Count >= 3, $"{copies.Count} COPYs");
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
    public async Task After_an_outage_a_writer_whose_results_keep_coming_empties_its_journal_and_commits_directly_again()
    {
        using var metrics = new HistoryMetrics();
        var writer = Writer(metrics, new HistoryOptions());
        await writer.StartAsync(CancellationToken.None);
        await writer.WriteAsync(Draft(1));
        var handedOver = new List<Task<StatusRecord>>();
        using var feeding = new CancellationTokenSource();

        // Results keep coming, as from a silo checking steadily (about 500 a second), through an outage and after it.
        var feeder = Task.Run(async () =>
        {
            while (!feeding.IsCancellationRequested)
            {
                lock (handedOver)
                {
                    handedOver.AddRange(Enumerable.Range(0, 5).Select(_ => writer.WriteAsync(Draft(31))));
                }

                await Task.Delay(10, CancellationToken.None);
            }
        });

        // Act: PostgreSQL away for 3 s, then back while the results keep coming.
        proxy.Cut();
        await Eventually.IsTrueAsync(() => Task.FromResult(writer.JournalBytes > 0), TimeSpan.FromSeconds(10), "results to be journaled");
        await Task.Delay(TimeSpan.FromSeconds(3));
        proxy.Restore();

        // Assert: the journal empties while results still come (before, one segment was replayed for each one written,
        // so the backlog of the outage stayed for as long as the silo checked), and nothing is stored twice.
        await Eventually.IsTrueAsync(() => Task.FromResult(writer.JournalBytes == 0), TimeSpan.FromSeconds(30), "the journal to be emptied while results keep coming");
        var afterwards = writer.WriteAsync(Draft(32));
        Assert.False(feeder.IsCompleted);
        await feeding.CancelAsync();
        await feeder;
        var records = await Task.WhenAll(handedOver.Append(afterwards)).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0L, writer.JournalBytes);
        Assert.Equal(records.Length, records.Select(r => r.Id).Distinct().Count());
        Assert.Equal((long)records.Length, await database.ScalarAsync<long>("SELECT count(*) FROM service_status WHERE service_id IN (31, 32)"));
        await writer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Each_journaled_hand_over_gets_its_own_row_when_manual_checks_share_its_segment()
    {
        using var metrics = new HistoryMetrics();
        var writer = Writer(metrics, new HistoryOptions());
        await writer.StartAsync(CancellationToken.None);
        await writer.WriteAsync(Draft(1));

        // Act: while PostgreSQL is away, manual checks (completed at once as journaled) and scheduled ones (waiting
        // for the replay) alternate in one batch; PostgreSQL comes back.
        proxy.Cut();
        var manual = new List<Task<StatusRecord>>();
        var scheduled = new List<(long ServiceId, Task<StatusRecord> Record)>();
        for (var i = 0; i < 10; i++)
        {
            manual.Add(writer.WriteAsync(Draft(30 + i) with { Trigger = Monitoring.Grains.Services.CheckTrigger.Manual }));
            scheduled.Add((40 + i, writer.WriteAsync(Draft(40 + i))));
        }

        await Eventually.IsTrueAsync(() => Task.FromResult(manual.All(t => t.IsCompleted)), TimeSpan.FromSeconds(10), "the manual checks to be journaled");
        proxy.Restore();

        // Assert: every scheduled hand-over completes with the row of its own service.
        Assert.All(manual, t => Assert.IsType<ResultJournaledException>(t.Exception?.InnerException));
        foreach (var (serviceId, record) in scheduled)
        {
            Assert.Equal(serviceId, (await record.WaitAsync(TimeSpan.FromSeconds(60))).ServiceId);
        }

        Assert.Equal(20L, await database.ScalarAsync<long>("SELECT count(*) FROM service_status WHERE service_id BETWEEN 30 AND 49"));
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
        var accepted = handedOver.Where(t => !t.IsFaulted).ToList();
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        proxy.Restore();

        // Accepted results either wait for their commit or (past the memory bound) complete as kept in the journal;
        // every one of them is stored.
        await Task.WhenAll(accepted.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default))).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.All(accepted, t => Assert.True(t.IsCompletedSuccessfully || t.Exception!.InnerException is ResultJournaledException, t.Exception?.ToString()));
        Assert.Equal(40, accepted.Count + refused.Count);
        await Eventually.IsTrueAsync(async () => await database.ScalarAsync<long>("SELECT count(*) FROM service_status WHERE service_id = 3") == accepted.Count,
            TimeSpan.FromSeconds(30), $"{accepted.Count} accepted results stored");
        await writer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_writer_within_a_tenth_of_refusing_is_congested_until_it_catches_up()
    {
        using var metrics = new HistoryMetrics();
        var writer = Writer(metrics, new HistoryOptions { BufferCapacity = 20, MaxBatchSize = 5 });

        // Not started yet: nothing takes what is handed over.
        var handedOver = Enumerable.Range(0, 17).Select(_ => writer.WriteAsync(Draft(4))).ToList();
        Assert.False(writer.Congested);
        handedOver.Add(writer.WriteAsync(Draft(4)));
        Assert.True(writer.Congested);

        await writer.StartAsync(CancellationToken.None);
        await Task.WhenAll(handedOver).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(writer.Congested);
        Assert.Equal(18, await database.ScalarAsync<long>("SELECT count(*) FROM service_status WHERE service_id = 4"));
        await writer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_writer_that_commits_with_two_full_copies_or_more_waiting_is_behind_until_it_catches_up()
    {
        using var metrics = new HistoryMetrics();
        var writer = Writer(metrics, new HistoryOptions { MaxBatchSize = 5 });
        await writer.StartAsync(CancellationToken.None);
        await writer.WriteAsync(Draft(6)).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(writer.Behind);

        // Just committed, and 30 results (six full COPYs) come at once.
        var handedOver = Enumerable.Range(0, 30).Select(_ => writer.WriteAsync(Draft(6))).ToList();
        Assert.True(writer.Behind);

        await Task.WhenAll(handedOver).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(writer.Behind);
        Assert.Equal(31, await database.ScalarAsync<long>("SELECT count(*) FROM service_status WHERE service_id = 6"));
        await writer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_writer_that_committed_nothing_for_two_seconds_is_not_behind_however_many_results_wait()
    {
        using var metrics = new HistoryMetrics();
        var writer = Writer(metrics, new HistoryOptions { MaxBatchSize = 5 });
        await writer.StartAsync(CancellationToken.None);
        await writer.WriteAsync(Draft(7)).WaitAsync(TimeSpan.FromSeconds(30));
        proxy.Cut();
        await Task.Delay(TimeSpan.FromSeconds(2.2));

        // PostgreSQL away: nothing commits, and what waits is the journal's business, not a writer short of capacity.
        var handedOver = Enumerable.Range(0, 30).Select(_ => writer.WriteAsync(Draft(7))).ToList();
        Assert.True(writer.Backlog >= 10);
        Assert.False(writer.Behind);

        proxy.Restore();
        await Task.WhenAll(handedOver).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(31, await database.ScalarAsync<long>("SELECT count(*) FROM service_status WHERE service_id = 7"));
        await writer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_replay_mark_holds_until_a_journal_segment_is_stored_and_never_while_the_journal_holds_results()
    {
        using var metrics = new HistoryMetrics();
        var writer = Writer(metrics, new HistoryOptions());
        await writer.StartAsync(CancellationToken.None);
        var before = writer.MarkReplays();
        await writer.WriteAsync(Draft(8)).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(writer.NothingReplayedSince(before), "a commit is no replay");

        proxy.Cut();
        var journaled = writer.WriteAsync(Draft(8));
        await Eventually.IsTrueAsync(() => Task.FromResult(writer.JournalBytes > 0), TimeSpan.FromSeconds(30), "the result journaled");
        Assert.False(writer.NothingReplayedSince(writer.MarkReplays()), "a mark taken while the journal holds results");
        Assert.True(writer.NothingReplayedSince(before), "nothing replayed yet");

        proxy.Restore();
        await journaled.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.False(writer.NothingReplayedSince(before), "a segment was replayed");
        Assert.True(writer.NothingReplayedSince(writer.MarkReplays()), "a mark taken once the journal is empty again");
        Assert.Equal(2, await database.ScalarAsync<long>("SELECT count(*) FROM service_status WHERE service_id = 8"));
        await writer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Results_waiting_for_a_journal_replay_do_not_make_the_writer_congested()
    {
        using var metrics = new HistoryMetrics();
        var writer = Writer(metrics, new HistoryOptions { BufferCapacity = 20, MaxBatchSize = 5 });
        await writer.StartAsync(CancellationToken.None);
        proxy.Cut();

        // An outage: the writer takes them to its journal, where they wait for PostgreSQL; checks must go on.
        // 19 wait for the replay (past the congested mark of 18 were they counted), and the writer is not congested.
        var handedOver = Enumerable.Range(0, 19).Select(_ => writer.WriteAsync(Draft(5))).ToList();
        await Eventually.IsTrueAsync(() => Task.FromResult(writer.JournalBytes > 0 && writer.Backlog >= 18 && !writer.Congested), TimeSpan.FromSeconds(30),
            "results journaled and waiting, the writer not congested");

        proxy.Restore();
        await Task.WhenAll(handedOver.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default))).WaitAsync(TimeSpan.FromSeconds(60));
        await writer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task While_postgres_is_away_results_are_kept_on_disk_and_a_new_writer_stores_them_once()
    {
        using var metrics = new HistoryMetrics();
        var first = Writer(metrics, new HistoryOptions());
        await first.StartAsync(CancellationToken.None);
        await first.WriteAsync(Draft(1));

        // Act: cut the database off, hand over results, stop the writer (as a silo stops), then start another on the same folder.
        proxy.Cut();
        var waiting = Enumerable.Range(0, 120).Select(_ => first.WriteAsync(Draft(4))).ToList();
        await Eventually.IsTrueAsync(() => Task.FromResult(first.JournalBytes > 0 && first.Backlog == 120), TimeSpan.FromSeconds(10), "the results to be journaled");
        await first.StopAsync(CancellationToken.None);
        journals[0].Dispose();
        var outcomes = await Task.WhenAll(waiting.Select(t => t.ContinueWith(r => r.Exception?.InnerException, TaskScheduler.Default)));
        proxy.Restore();
        var second = Writer(metrics, new HistoryOptions());
        await second.StartAsync(CancellationToken.None);

        // Assert
        Assert.All(outcomes, e => Assert.IsType<ResultJournaledException>(e));
        await Eventually.IsTrueAsync(async () => await database.ScalarAsync<long>("SELECT count(*) FROM service_status WHERE service_id = 4") == 120,
            TimeSpan.FromSeconds(30), "the journaled results to be stored");
        await Eventually.IsTrueAsync(() => Task.FromResult(second.JournalBytes == 0), TimeSpan.FromSeconds(10), "the journal to be emptied");
        Assert.Empty(Directory.EnumerateFiles(journalFolder, "*.results"));
        Assert.Equal(120L, await database.ScalarAsync<long>("SELECT count(DISTINCT id) FROM service_status WHERE service_id = 4"));
        await second.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task While_postgres_does_not_answer_results_reach_the_journal_without_waiting_for_a_replay_attempt()
    {
        await using var patient = PatientDataSource();
        using var metrics = new HistoryMetrics();
        var writer = new StatusWriter(patient, Options.Create(new HistoryOptions()), metrics, Journal(), NullLogger<StatusWriter>.Instance);
        proxy.Silence();
        await writer.StartAsync(CancellationToken.None);
        var handedOver = new List<Task<StatusRecord>> { writer.WriteAsync(Draft(21)) };
        await Eventually.IsTrueAsync(() => Task.FromResult(writer.JournalBytes > 0), TimeSpan.FromSeconds(20), "the first result to be journaled (within the writer's 5-s attempt)");

        // Act: results handed over one by one while the writer keeps trying to replay the journal.
        var onDiskAfter = await HandOverOneByOneAsync(writer, handedOver, 21, 6);
        proxy.Restore();

        // Assert: each was on disk within the journal's gathering (200 ms) and a flush, never behind a 5-s attempt;
        // every one is stored once when PostgreSQL answers again.
        Assert.All(onDiskAfter, elapsed => Assert.True(elapsed < TimeSpan.FromSeconds(2), $"on disk after {string.Join(", ", onDiskAfter.Select(e => e.TotalMilliseconds.ToString("0")))} ms"));
        await Task.WhenAll(handedOver).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(7L, await database.ScalarAsync<long>("SELECT count(DISTINCT id) FROM service_status WHERE service_id = 21"));
        await writer.StopAsync(CancellationToken.None);
    }

    /// <summary>
    /// With blocks of 4,096 ids the hanging statement is the COPY (its batch goes to the journal with its ids); with
    /// blocks of one it is the id reservation before it (the batch goes without ids, and its COPY never starts).
    /// </summary>
    [Theory]
    [InlineData(4096)]
    [InlineData(1)]
    public async Task A_copy_that_hangs_sends_its_batch_and_what_follows_to_the_journal_and_each_is_stored_once(int idBlockSize)
    {
        await using var patient = PatientDataSource();
        using var metrics = new HistoryMetrics();
        var writer = new StatusWriter(patient, Options.Create(new HistoryOptions { IdBlockSize = idBlockSize }), metrics, Journal(), NullLogger<StatusWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);
        await writer.WriteAsync(Draft(22));

        // Act: the network to PostgreSQL freezes under the pooled connection; the next COPY hangs on it (Npgsql would
        // wait out its 30-s CommandTimeout), and more results follow.
        proxy.Freeze();
        var handedAt = System.Diagnostics.Stopwatch.StartNew();
        var handedOver = new List<Task<StatusRecord>> { writer.WriteAsync(Draft(22)) };
        await Eventually.IsTrueAsync(() => Task.FromResult(writer.JournalBytes > 0), TimeSpan.FromSeconds(40), "the hanging batch to be journaled", TimeSpan.FromMilliseconds(10));
        var hangingOnDiskAfter = handedAt.Elapsed;
        var onDiskAfter = await HandOverOneByOneAsync(writer, handedOver, 22, 4);
        proxy.Restore();

        // Assert: the hanging batch was on disk after the writer's 5-s bound (not Npgsql's 30 s), the later ones at
        // once; all are stored once.
        Assert.True(hangingOnDiskAfter < TimeSpan.FromSeconds(9), $"the hanging batch was on disk after {hangingOnDiskAfter.TotalSeconds:0.0} s");
        Assert.All(onDiskAfter, elapsed => Assert.True(elapsed < TimeSpan.FromSeconds(2), $"on disk after {string.Join(", ", onDiskAfter.Select(e => e.TotalMilliseconds.ToString("0")))} ms"));
        await Task.WhenAll(handedOver).WaitAsync(TimeSpan.FromSeconds(90));
        Assert.Equal(6L, await database.ScalarAsync<long>("SELECT count(*) FROM service_status WHERE service_id = 22"));
        Assert.Equal(6L, await database.ScalarAsync<long>("SELECT count(DISTINCT id) FROM service_status WHERE service_id = 22"));
        await writer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_copy_that_outlasts_the_bound_and_then_commits_is_stored_once_and_its_journal_copy_dropped()
    {
        await using var patient = PatientDataSource();
        using var metrics = new HistoryMetrics();
        var writer = new StatusWriter(patient, Options.Create(new HistoryOptions()), metrics, Journal(), NullLogger<StatusWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);
        await writer.WriteAsync(Draft(23));

        // Act: a lock holds the next COPY past the writer's 5-s bound (its batch goes to the journal), then is released.
        await using var locker = new NpgsqlConnection(database.ConnectionString);
        await locker.OpenAsync();
        await using var holding = await locker.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE service_status IN EXCLUSIVE MODE", locker, holding))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        var held = writer.WriteAsync(Draft(23));
        await Eventually.IsTrueAsync(() => Task.FromResult(writer.JournalBytes > 0), TimeSpan.FromSeconds(20), "the held batch to be journaled");
        await holding.CommitAsync();

        // Assert: the COPY committed, so the journal's copy is dropped, not replayed; the row is there once.
        var record = await held.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(23, record.ServiceId);
        await Eventually.IsTrueAsync(() => Task.FromResult(writer.JournalBytes == 0), TimeSpan.FromSeconds(10), "the journal copy to be dropped");
        Assert.Empty(Directory.EnumerateFiles(journalFolder, "*.results"));
        Assert.Equal(2L, await database.ScalarAsync<long>("SELECT count(*) FROM service_status WHERE service_id = 23"));
        Assert.Equal(0L, await database.ScalarAsync<long>("SELECT count(*) FROM status_journal_replays"));
        await writer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_segment_whose_earlier_copy_committed_all_but_a_refused_row_is_not_stored_again()
    {
        // Arrange: a segment as a lost acknowledgement leaves it: ids reserved before the outage, one of them stored by
        // the COPY that did commit, the other never (PostgreSQL refused that row even without its texts).
        var journal = new ResultJournal(journalFolder, 1 << 20);
        await journal.AppendAsync([Draft(7), Draft(7)], [910001, 910002], CancellationToken.None);
        journal.Dispose();
        await database.ExecuteAsync("""
            INSERT INTO service_status (id, service_id, client_id, status, response_time_ms, trigger, checked_at) VALUES
                (910001, 7, 1, 'down', 12, 'schedule', now());
            """);
        using var metrics = new HistoryMetrics();
        var writer = Writer(metrics, new HistoryOptions());

        // Act
        await writer.StartAsync(CancellationToken.None);

        // Assert: replayed once (not retried forever on the stored id), nothing stored twice, the journal empty.
        await Eventually.IsTrueAsync(() => Task.FromResult(writer.JournalBytes == 0), TimeSpan.FromSeconds(15), "the journal to be replayed");
        Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM service_status WHERE service_id = 7"));
        Assert.Empty(Directory.EnumerateFiles(journalFolder, "*.results"));
        await writer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_segment_whose_rows_were_committed_before_its_file_was_deleted_is_not_stored_again()
    {
        // Arrange: a segment on disk whose replay committed (its id is recorded) but whose file survived a crash.
        var journal = new ResultJournal(journalFolder, 1 << 20);
        var segment = (await journal.AppendAsync([Draft(5), Draft(5)], null, CancellationToken.None))!;
        journal.Dispose();
        await database.ExecuteAsync($"""
            INSERT INTO service_status (id, service_id, client_id, status, response_time_ms, trigger, checked_at) VALUES
                (900001, 5, 1, 'down', 12, 'schedule', now()), (900002, 5, 1, 'down', 12, 'schedule', now());
            INSERT INTO status_journal_replays (segment_id, ids) VALUES ('{segment.Id}', ARRAY[900001, 900002]::bigint[]);
            """);
        using var metrics = new HistoryMetrics();
        var writer = Writer(metrics, new HistoryOptions());

        // Act
        await writer.StartAsync(CancellationToken.None);
        await Eventually.IsTrueAsync(() => Task.FromResult(writer.JournalBytes == 0), TimeSpan.FromSeconds(10), "the journal to be replayed");
        await writer.WriteAsync(Draft(6));

        // Assert
        Assert.Equal(2L, await database.ScalarAsync<long>("SELECT count(*) FROM service_status WHERE service_id = 5"));
        Assert.Empty(Directory.EnumerateFiles(journalFolder, "*.results"));
        await writer.StopAsync(CancellationToken.None);
    }

    [Theory]
    [InlineData(@"db\u0000down", null, null)]
    [InlineData(null, @"\ud800", null)]
    [InlineData(@"\udc00 and \u0000", @"ok\u0000", @"{""db"":""\u0000""}")]
    public async Task Texts_postgres_would_refuse_are_made_storable_and_the_batch_is_kept(string? error, string? reported, string? details)
    {
        using var metrics = new HistoryMetrics();
        var writer = Writer(metrics, new HistoryOptions());
        await writer.StartAsync(CancellationToken.None);
        var raw = new StatusDraft(8, 1, new CheckResult(HealthStatus.Down, 200, 12, Unescape(reported), Unescape(error), details), "schedule", DateTimeOffset.UtcNow);

        // Act: in one batch with other results.
        var others = Enumerable.Range(0, 20).Select(_ => writer.WriteAsync(Draft(9))).ToList();
        var record = await writer.WriteAsync(raw);
        await Task.WhenAll(others);

        // Assert: stored with its status and code; NUL and lone surrogates replaced, details that jsonb refuses dropped.
        Assert.Equal("down,200", await database.ScalarAsync<string>("SELECT status || ',' || status_code FROM service_status WHERE id = $1", record.Id));
        Assert.Equal(StorableText.Clean(Unescape(error)) ?? string.Empty, await database.ScalarAsync<string>("SELECT coalesce(error, '') FROM service_status WHERE id = $1", record.Id));
        Assert.Equal(StorableText.Clean(Unescape(reported)) ?? string.Empty, await database.ScalarAsync<string>("SELECT coalesce(reported_status, '') FROM service_status WHERE id = $1", record.Id));
        Assert.Equal(0L, await database.ScalarAsync<long>("SELECT count(details) FROM service_status WHERE id = $1", record.Id));
        Assert.Equal(20L, await database.ScalarAsync<long>("SELECT count(*) FROM service_status WHERE service_id = 9"));
        await writer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_result_postgres_refuses_for_another_reason_is_stored_without_the_targets_texts()
    {
        using var metrics = new HistoryMetrics();
        var writer = Writer(metrics, new HistoryOptions());
        await writer.StartAsync(CancellationToken.None);
        var broken = new StatusDraft(10, 1, new CheckResult(HealthStatus.Degraded, 200, 12, "warn", "reported status: warn", "{not json"), "schedule", DateTimeOffset.UtcNow);

        var others = Enumerable.Range(0, 20).Select(_ => writer.WriteAsync(Draft(11))).ToList();
        var record = await writer.WriteAsync(broken);
        await Task.WhenAll(others);

        Assert.Equal("degraded,200", await database.ScalarAsync<string>("SELECT status || ',' || status_code FROM service_status WHERE id = $1", record.Id));
        Assert.StartsWith("the answer's text could not be stored (PostgreSQL 22P02)", await database.ScalarAsync<string>("SELECT error FROM service_status WHERE id = $1", record.Id));
        Assert.Equal(20L, await database.ScalarAsync<long>("SELECT count(*) FROM service_status WHERE service_id = 11"));
        await writer.StopAsync(CancellationToken.None);
    }

    [Theory]
    [InlineData("{\"a\":\"\\u0000\"}")]
    [InlineData("{not json")]
    public async Task A_journaled_row_postgres_refuses_is_stored_without_its_texts_and_its_segment_with_it(string details)
    {
        // Arrange: a segment on disk holding a row whose details jsonb refuses, between two good ones.
        var journal = new ResultJournal(journalFolder, 1 << 20);
        var bad = new StatusDraft(12, 1, new CheckResult(HealthStatus.Down, 200, 12, "x", "reported status: x", details), "schedule", DateTimeOffset.UtcNow);
        await journal.AppendAsync([Draft(12), bad, Draft(12)], null, CancellationToken.None);
        journal.Dispose();
        using var metrics = new HistoryMetrics();
        var writer = Writer(metrics, new HistoryOptions());

        // Act
        await writer.StartAsync(CancellationToken.None);
        await Eventually.IsTrueAsync(() => Task.FromResult(writer.JournalBytes == 0), TimeSpan.FromSeconds(10), "the journal to be replayed");

        // Assert
        Assert.Equal(3L, await database.ScalarAsync<long>("SELECT count(*) FROM service_status WHERE service_id = 12"));
        Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM service_status WHERE service_id = 12 AND error LIKE 'the answer''s text could not be stored%'"));
        Assert.False(Directory.Exists(Path.Combine(journalFolder, "rejected")));
        await writer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_refusal_of_the_database_itself_keeps_results_in_the_journal_until_it_is_lifted()
    {
        using var metrics = new HistoryMetrics();
        var writer = Writer(metrics, new HistoryOptions());
        await writer.StartAsync(CancellationToken.None);
        await writer.WriteAsync(Draft(13));

        // Act: the role may no longer insert (42501), as after a misconfigured failover; then it may again.
        await database.ExecuteAsync("REVOKE INSERT ON service_status FROM CURRENT_USER");
        var waiting = Enumerable.Range(0, 30).Select(_ => writer.WriteAsync(Draft(14))).ToList();
        await Eventually.IsTrueAsync(() => Task.FromResult(writer.JournalBytes > 0), TimeSpan.FromSeconds(10), "the results to be journaled");
        await database.ExecuteAsync("GRANT INSERT ON service_status TO CURRENT_USER");
        var records = await Task.WhenAll(waiting).WaitAsync(TimeSpan.FromSeconds(30));

        // Assert: nothing lost, nothing twice.
        Assert.Equal(30, records.Select(r => r.Id).Distinct().Count());
        Assert.Equal(30L, await database.ScalarAsync<long>("SELECT count(*) FROM service_status WHERE service_id = 14"));
        await writer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_damaged_journal_file_is_set_aside_and_the_rest_is_replayed()
    {
        var journal = new ResultJournal(journalFolder, 1 << 20);
        await journal.AppendAsync([Draft(15)], null, CancellationToken.None);
        journal.Dispose();
        await File.WriteAllTextAsync(Path.Combine(journalFolder, $"000000000099-{Guid.NewGuid():N}.results"), "[{\"broken\":");
        await File.WriteAllTextAsync(Path.Combine(journalFolder, "not-a-segment.results"), "[]");
        using var metrics = new HistoryMetrics();
        var writer = Writer(metrics, new HistoryOptions());

        await writer.StartAsync(CancellationToken.None);
        await Eventually.IsTrueAsync(async () => await database.ScalarAsync<long>("SELECT count(*) FROM service_status WHERE service_id = 15") == 1,
            TimeSpan.FromSeconds(10), "the good segment to be stored");

        Assert.Equal(2, Directory.EnumerateFiles(Path.Combine(journalFolder, "rejected")).Count());
        await writer.StopAsync(CancellationToken.None);
    }

    /// <summary>Counts the COPYs of one writer: each records its batch size once.</summary>
    private sealed class CopyCounter : IDisposable
    {
        private readonly System.Diagnostics.Metrics.MeterListener listener = new();
        private int count;

        public CopyCounter(HistoryMetrics metrics)
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument, metrics.BatchSize))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<int>((_, _, _, _) => Interlocked.Increment(ref count));
            listener.Start();
        }

        public int Count => Volatile.Read(ref count);

        public void Dispose() => listener.Dispose();
    }

    private static string? Unescape(string? text) => text is null ? null : System.Text.RegularExpressions.Regex.Unescape(text);

    private StatusWriter Writer(HistoryMetrics metrics, HistoryOptions options) =>
        new(dataSource, Options.Create(options), metrics, Journal(), NullLogger<StatusWriter>.Instance);

    /// <summary>A data source through the relay with Npgsql's default timeouts (the others use 2 s and 5 s), so the writer's own bounds show.</summary>
    private NpgsqlDataSource PatientDataSource() =>
        NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(database.ConnectionString) { Port = proxy.Port }.ConnectionString);

    /// <summary>Hands over results one at a time, 400 ms apart; each time, how long until it was in the journal.</summary>
    private static async Task<List<TimeSpan>> HandOverOneByOneAsync(StatusWriter writer, List<Task<StatusRecord>> handedOver, long serviceId, int count)
    {
        var onDiskAfter = new List<TimeSpan>();
        for (var i = 0; i < count; i++)
        {
            var before = writer.JournalBytes;
            var handedAt = System.Diagnostics.Stopwatch.StartNew();
            handedOver.Add(writer.WriteAsync(Draft(serviceId)));
            await Eventually.IsTrueAsync(() => Task.FromResult(writer.JournalBytes > before), TimeSpan.FromSeconds(40), "the result to be journaled", TimeSpan.FromMilliseconds(10));
            onDiskAfter.Add(handedAt.Elapsed);
            await Task.Delay(400);
        }

        return onDiskAfter;
    }

    private ResultJournal Journal()
    {
        var journal = new ResultJournal(journalFolder, 1 << 24);
        journals.Add(journal);
        return journal;
    }

    private static StatusDraft Draft(long serviceId) => new(
        serviceId, 1, new CheckResult(HealthStatus.Down, 503, 12, null, "HTTP 503", null), "schedule", DateTimeOffset.UtcNow);
}
