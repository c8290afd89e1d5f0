using Microsoft.Extensions.Options;
using Monitoring.Grains.Checking;

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
        using var limiter = new CheckConcurrencyLimiter(Options.Create(new CheckOptions { MaxConcurrentChecks = 1 }), () => congested);
        var busy = await limiter.AcquireAsync(scheduled: false, CancellationToken.None);
        Assert.NotNull(busy);

        // Act: a check waits for the only slot; the writer fills up (or not) before the slot is free.
        var waiting = limiter.AcquireAsync(scheduled, CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);
        congested = congestedMeanwhile;
        busy.Value.Dispose();
        var slot = await waiting;

        // Assert: it ran or was given up; either way the slot is free again for the next one.
        Assert.Equal(runs, slot is not null);
        slot?.Dispose();
        congested = false;
        var next = await limiter.AcquireAsync(scheduled: true, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.NotNull(next);
    }

    [Fact]
    public async Task A_wait_for_a_slot_ends_with_its_cancellation()
    {
        using var limiter = new CheckConcurrencyLimiter(Options.Create(new CheckOptions { MaxConcurrentChecks = 1 }));
        using var busy = await limiter.AcquireAsync(scheduled: true, CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var waiting = limiter.AcquireAsync(scheduled: true, cancel.Token).AsTask();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(5)));
    }
}
