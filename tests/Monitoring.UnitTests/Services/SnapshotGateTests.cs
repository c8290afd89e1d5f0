using System.Diagnostics.Metrics;
using Monitoring.Grains.Services;

namespace Monitoring.UnitTests.Services;

/// <summary>
/// The bound on uptime snapshots written at once: a periodic snapshot that finds every slot taken is not written (and
/// not waited for); a deactivation's waits for a slot until its token is cancelled; a slot comes back when a write
/// ends, whether it succeeded or failed; skipped snapshots are counted.
/// </summary>
public sealed class SnapshotGateTests
{
    [Fact]
    public async Task A_write_that_finds_every_slot_taken_is_not_run_and_does_not_wait()
    {
        var gate = new SnapshotGate(slots: 2);
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = gate.TryWriteAsync(() => hold.Task);
        var second = gate.TryWriteAsync(() => hold.Task);

        var ran = false;
        var third = gate.TryWriteAsync(() => { ran = true; return Task.CompletedTask; });

        Assert.True(third.IsCompleted);
        Assert.False(await third);
        Assert.False(ran);
        Assert.False(first.IsCompleted);
        Assert.False(second.IsCompleted);

        hold.SetResult();
        Assert.True(await first);
        Assert.True(await second);
    }

    [Fact]
    public async Task A_slot_is_free_again_once_a_write_ended()
    {
        var gate = new SnapshotGate(slots: 1);
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = gate.TryWriteAsync(() => hold.Task);
        Assert.False(await gate.TryWriteAsync(() => Task.CompletedTask));

        hold.SetResult();
        await first;

        var ran = 0;
        Assert.True(await gate.TryWriteAsync(() => { ran++; return Task.CompletedTask; }));
        Assert.True(await gate.TryWriteAsync(() => { ran++; return Task.CompletedTask; }));
        Assert.Equal(2, ran);
    }

    [Fact]
    public async Task A_failed_write_frees_its_slot_and_its_exception_reaches_the_caller()
    {
        var gate = new SnapshotGate(slots: 1);

        await Assert.ThrowsAsync<TimeoutException>(() => gate.TryWriteAsync(() => Task.FromException(new TimeoutException("pool exhausted"))));
        await Assert.ThrowsAsync<InvalidOperationException>(() => gate.TryWriteAsync(() => throw new InvalidOperationException("thrown before a task")));

        Assert.True(await gate.TryWriteAsync(() => Task.CompletedTask));
    }

    [Fact]
    public async Task The_default_bound_is_a_fifth_of_the_storage_pool()
    {
        var gate = new SnapshotGate();
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writes = Enumerable.Range(0, SnapshotGate.DefaultSlots).Select(_ => gate.TryWriteAsync(() => hold.Task)).ToList();

        Assert.Equal(4, SnapshotGate.DefaultSlots);
        Assert.False(await gate.TryWriteAsync(() => Task.CompletedTask));
        hold.SetResult();
        Assert.All(await Task.WhenAll(writes), Assert.True);
    }

    [Fact]
    public async Task A_waiting_write_runs_once_a_slot_is_freed()
    {
        var gate = new SnapshotGate(slots: 1);
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = gate.TryWriteAsync(() => hold.Task);

        var ran = false;
        var waiting = gate.WriteAsync(() => { ran = true; return Task.CompletedTask; }, CancellationToken.None);
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);
        Assert.False(ran);

        hold.SetResult();
        Assert.True(await first);
        Assert.True(await waiting);
        Assert.True(ran);
        Assert.Equal(0, gate.Skipped);
    }

    [Fact]
    public async Task A_waiting_write_whose_time_runs_out_is_skipped_and_counted()
    {
        var gate = new SnapshotGate(slots: 1);
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = gate.TryWriteAsync(() => hold.Task);
        using var deadline = new CancellationTokenSource();

        var ran = false;
        var waiting = gate.WriteAsync(() => { ran = true; return Task.CompletedTask; }, deadline.Token);
        deadline.Cancel();

        Assert.False(await waiting);
        Assert.False(ran);
        Assert.Equal(1, gate.Skipped);
        hold.SetResult();
        Assert.True(await first);
        Assert.True(await gate.TryWriteAsync(() => Task.CompletedTask));
    }

    [Fact]
    public async Task A_free_slot_is_taken_even_when_the_time_is_up_already()
    {
        var gate = new SnapshotGate(slots: 1);
        using var deadline = new CancellationTokenSource();
        deadline.Cancel();

        var ran = false;
        Assert.True(await gate.WriteAsync(() => { ran = true; return Task.CompletedTask; }, deadline.Token));
        Assert.True(ran);
        Assert.Equal(0, gate.Skipped);
    }

    [Fact]
    public async Task Every_write_turned_away_is_counted_as_skipped()
    {
        var gate = new SnapshotGate(slots: 1);
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = gate.TryWriteAsync(() => hold.Task);

        Assert.False(await gate.TryWriteAsync(() => Task.CompletedTask));
        Assert.False(await gate.TryWriteAsync(() => Task.CompletedTask));
        Assert.Equal(2, gate.Skipped);

        hold.SetResult();
        await first;
        Assert.Equal(2, gate.Skipped);
    }

    [Fact]
    public async Task Snapshots_are_counted_by_outcome()
    {
        using var meters = new OwnMeters();
        using var gate = new SnapshotGate(meters, slots: 1);
        var counts = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == meters && instrument.Name == "monitoring.uptime.snapshots")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var outcome = (string)tags.ToArray().Single(t => t.Key == "outcome").Value!;
            counts[outcome] = counts.GetValueOrDefault(outcome) + value;
        });
        listener.Start();

        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = gate.TryWriteAsync(() => hold.Task);
        await gate.TryWriteAsync(() => Task.CompletedTask);
        gate.Record(written: true);
        gate.Record(written: false);
        hold.SetResult();
        await first;

        Assert.Equal(new Dictionary<string, long> { ["skipped"] = 1, ["written"] = 1, ["failed"] = 1 }, counts);
    }

    /// <summary>Meters of this test alone, so that gates made by other tests at the same time are not counted.</summary>
    private sealed class OwnMeters : IMeterFactory
    {
        private readonly List<Meter> made = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
            made.Add(meter);
            return meter;
        }

        public void Dispose() => made.ForEach(m => m.Dispose());
    }
}
