using Monitoring.Grains.Checking;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.UnitTests.Checking;

/// <summary>
/// A scheduled check whose verdict came from time, and which the silo's own pauses explain, is made once more
/// (<see cref="PauseAwareCheck"/>): a healthy target must not read as slow or down because the silo stood still (seen
/// at a million services: an 8.8-s collection stored "slow response: 8576 ms" for targets that answer in a millisecond),
/// and nothing else is checked twice.
/// </summary>
public sealed class PauseAwareCheckTests
{
    // The default service: degraded past 2,000 ms, timed out at 5,000 ms.
    private const int Limit = 2_000;

    public static TheoryData<HealthStatus, int, int, bool> Cases => new()
    {
        // status, response_time_ms, paused during the check (ms), checked again
        { HealthStatus.Up, 9_000, 9_000, false },                // up is never checked again
        { HealthStatus.Degraded, 8_576, 8_800, true },           // the million's collection: the pause explains it all
        { HealthStatus.Down, 5_000, 11_800, true },              // timed out during a longer pause
        { HealthStatus.Degraded, 2_100, 150, true },             // 1,950 ms without the pause: would have been up
        { HealthStatus.Degraded, 2_100, 99, false },             // pauses under 100 ms never count
        { HealthStatus.Degraded, 2_600, 500, false },            // slow even without the pause
        { HealthStatus.Down, 5_000, 600, false },                // a real timeout through many short collections
        { HealthStatus.Down, 12, 3_000, false },                 // a 503 or a refused connection: not a matter of time
        { HealthStatus.Down, 1_999, 1_000, false },              // under the limit: the verdict did not come from time
        { HealthStatus.Degraded, 2_000, 100, true },             // exactly at the limit, 1,900 without the pause
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Only_a_verdict_of_time_that_the_pauses_explain_is_checked_again(HealthStatus status, int responseTimeMs, int pausedMs, bool expected)
    {
        Assert.Equal(expected, PauseAwareCheck.CallsForRecheck(Result(status, responseTimeMs), TimeSpan.FromMilliseconds(pausedMs), Limit));
    }

    [Theory]
    [InlineData(2_000, 5_000, 2_000)]
    [InlineData(8_000, 5_000, 5_000)]
    [InlineData(null, 5_000, 5_000)]
    public void The_time_limit_is_the_smaller_of_the_degraded_threshold_and_the_timeout(int? degradedThresholdMs, int timeoutMs, int expected)
    {
        Assert.Equal(expected, PauseAwareCheck.TimeLimitMs(degradedThresholdMs, timeoutMs));
    }

    [Theory]
    [InlineData("GET", true)]
    [InlineData("HEAD", true)]
    [InlineData(null, true)]
    [InlineData("POST", false)]
    [InlineData("post", false)]
    public void A_post_is_never_sent_twice(string? method, bool expected)
    {
        Assert.Equal(expected, PauseAwareCheck.MayRecheck(method));
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
                if (++runs == 1)
                {
                    clock.Pause(TimeSpan.FromMilliseconds(8_800));
                }

                return Task.FromResult(answers.Dequeue());
            },
            clock.Read,
            Limit,
            mayRecheck: true);

        Assert.True(rechecked);
        Assert.Equal(2, runs);
        Assert.Equal(HealthStatus.Up, result.Status);
        Assert.Equal(3, result.ResponseTimeMs);
    }

    [Fact]
    public async Task A_second_paused_run_is_kept_as_it_came_never_a_third()
    {
        var clock = new PauseClock();
        var runs = 0;

        var (result, rechecked) = await PauseAwareCheck.RunAsync(
            () =>
            {
                runs++;
                clock.Pause(TimeSpan.FromSeconds(6));
                return Task.FromResult(Result(HealthStatus.Down, 5_000));
            },
            clock.Read,
            Limit,
            mayRecheck: true);

        Assert.True(rechecked);
        Assert.Equal(2, runs);
        Assert.Equal(HealthStatus.Down, result.Status);
    }

    [Fact]
    public async Task A_check_that_may_not_be_made_twice_keeps_its_first_answer()
    {
        var clock = new PauseClock();
        var runs = 0;
        var (result, rechecked) = await PauseAwareCheck.RunAsync(
            () =>
            {
                runs++;
                clock.Pause(TimeSpan.FromSeconds(9));
                return Task.FromResult(Result(HealthStatus.Degraded, 8_576));
            },
            clock.Read,
            Limit,
            mayRecheck: false);

        Assert.False(rechecked);
        Assert.Equal(1, runs);
        Assert.Equal(HealthStatus.Degraded, result.Status);
    }

    [Fact]
    public async Task A_down_answer_that_no_pause_explains_is_made_once()
    {
        var clock = new PauseClock();
        var runs = 0;
        var (result, rechecked) = await PauseAwareCheck.RunAsync(
            () =>
            {
                runs++;
                clock.Pause(TimeSpan.FromSeconds(3));
                return Task.FromResult(Result(HealthStatus.Down, 4));
            },
            clock.Read,
            Limit,
            mayRecheck: true);

        Assert.False(rechecked);
        Assert.Equal(1, runs);
        Assert.Equal(HealthStatus.Down, result.Status);
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
