using Monitoring.Grains.Checking;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.UnitTests.Checking;

/// <summary>
/// A check the silo's own pause overlapped is run again when it was not up (<see cref="PauseAwareCheck"/>): a healthy
/// target must not read as slow or down because the silo stood still (seen at a million services: a 8.8-s collection
/// stored "slow response: 8576 ms" for targets that answer in a millisecond).
/// </summary>
public sealed class PauseAwareCheckTests
{
    public static TheoryData<HealthStatus, int, bool> Cases => new()
    {
        // status of the first run, pause during it (ms), checked again
        { HealthStatus.Up, 0, false },
        { HealthStatus.Up, 9_000, false },
        { HealthStatus.Degraded, 0, false },
        { HealthStatus.Degraded, 99, false },
        { HealthStatus.Degraded, 100, true },
        { HealthStatus.Degraded, 8_800, true },
        { HealthStatus.Down, 50, false },
        { HealthStatus.Down, 100, true },
        { HealthStatus.Down, 12_000, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_result_other_than_up_is_checked_again_after_a_pause_of_100_ms_or_more(HealthStatus status, int pausedMs, bool expected)
    {
        Assert.Equal(expected, PauseAwareCheck.CallsForRecheck(status, TimeSpan.FromMilliseconds(pausedMs)));
    }

    [Fact]
    public async Task The_second_answer_is_kept_when_a_pause_made_the_first_slow()
    {
        var clock = new PauseClock();
        var answers = new Queue<CheckResult>([Result(HealthStatus.Degraded, 8_576), Result(HealthStatus.Up, 3)]);
        var runs = 0;

        var (result, rechecked) = await PauseAwareCheck.RunAsync(
            () =>
            {
                runs++;
                if (runs == 1)
                {
                    clock.Pause(TimeSpan.FromMilliseconds(8_800));
                }

                return Task.FromResult(answers.Dequeue());
            },
            clock.Read);

        Assert.True(rechecked);
        Assert.Equal(2, runs);
        Assert.Equal(HealthStatus.Up, result.Status);
        Assert.Equal(3, result.ResponseTimeMs);
    }

    [Fact]
    public async Task A_target_that_is_down_again_on_the_second_check_is_stored_down()
    {
        var clock = new PauseClock();
        var runs = 0;

        var (result, rechecked) = await PauseAwareCheck.RunAsync(
            () =>
            {
                runs++;
                clock.Pause(TimeSpan.FromSeconds(2));
                return Task.FromResult(Result(HealthStatus.Down, 10_000));
            },
            clock.Read);

        // Checked twice, never a third time, even when the second run was paused too.
        Assert.True(rechecked);
        Assert.Equal(2, runs);
        Assert.Equal(HealthStatus.Down, result.Status);
    }

    [Fact]
    public async Task A_down_result_without_a_pause_is_kept_as_it_came()
    {
        var clock = new PauseClock();
        var runs = 0;
        var (result, rechecked) = await PauseAwareCheck.RunAsync(
            () =>
            {
                runs++;
                clock.Pause(TimeSpan.FromMilliseconds(20));
                return Task.FromResult(Result(HealthStatus.Down, 4));
            },
            clock.Read);

        Assert.False(rechecked);
        Assert.Equal(1, runs);
        Assert.Equal(HealthStatus.Down, result.Status);
    }

    [Fact]
    public async Task An_up_result_is_never_checked_again()
    {
        var clock = new PauseClock();
        var runs = 0;
        var (_, rechecked) = await PauseAwareCheck.RunAsync(
            () =>
            {
                runs++;
                clock.Pause(TimeSpan.FromSeconds(5));
                return Task.FromResult(Result(HealthStatus.Up, 5_003));
            },
            clock.Read);

        Assert.False(rechecked);
        Assert.Equal(1, runs);
    }

    [Fact]
    public void The_process_pause_clock_reads_the_runtime_and_never_goes_back()
    {
        var first = PauseAwareCheck.ProcessPauses();
        GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        Assert.True(PauseAwareCheck.ProcessPauses() >= first);
    }

    private static CheckResult Result(HealthStatus status, int responseTimeMs) =>
        new(status, status == HealthStatus.Down ? null : 200, responseTimeMs, null, status == HealthStatus.Up ? null : "slow or no answer", null);

    private sealed class PauseClock
    {
        private TimeSpan total;

        public TimeSpan Read() => total;

        public void Pause(TimeSpan length) => total += length;
    }
}
