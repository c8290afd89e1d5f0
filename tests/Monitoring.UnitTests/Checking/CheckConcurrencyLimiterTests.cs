using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Monitoring.Grains.Checking;
using Monitoring.Grains.Scheduling;

namespace Monitoring.UnitTests.Checking;

/// <summary>The silo's check slots, and a scheduled check that got its slot only after the result writer filled up.</summary>
public sealed class CheckConcurrencyLimiterTests
{
    [Theory]
    [InlineData(true, false, true)]
    [InlineData(true, true, false)]
    [InlineData(false, false, true)]
    [InlineData(false, true, true)]
    public async Task A_check_that_waited_for_a_slot_runs_unless_it_is_scheduled_and_the_writer_became_congested(bool scheduled, bool congestedMeanwhile, bool runs)
    {
        var congested = false;
        var admission = new CheckAdmission(new FakeTimeProvider(), Options.Create(new ScheduleOptions()), storeCongested: () => congested);
        using var limiter = new CheckConcurrencyLimiter(Options.Create(new CheckOptions { MaxConcurrentChecks = 1 }));
        var busy = await limiter.AcquireAsync(CancellationToken.None);

        // Act: a check waits for the only slot; the writer fills up (or not) before the slot is free. The check runner's
        // rule: a manual check always runs, a scheduled one only while the admission still admits.
        var waiting = limiter.AcquireAsync(CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);
        congested = congestedMeanwhile;
        busy.Dispose();
        var slot = await waiting;
        var ran = !scheduled || admission.StillAdmits();
        slot.Dispose();

        // Assert: it ran or was given up; either way the slot is free again for the next one.
        Assert.Equal(runs, ran);
        var next = await limiter.AcquireAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        next.Dispose();
    }

    [Fact]
    public async Task A_wait_for_a_slot_ends_with_its_cancellation()
    {
        using var limiter = new CheckConcurrencyLimiter(Options.Create(new CheckOptions { MaxConcurrentChecks = 1 }));
        using var busy = await limiter.AcquireAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var waiting = limiter.AcquireAsync(cancel.Token).AsTask();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(5)));
    }
}
