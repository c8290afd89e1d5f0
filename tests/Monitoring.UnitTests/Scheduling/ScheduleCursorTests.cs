using Monitoring.Grains.Scheduling;

namespace Monitoring.UnitTests.Scheduling;

/// <summary>The schedule's decisions, with no spread (max spread 0) so the times read as the cron says.</summary>
public sealed class ScheduleCursorTests
{
    private static ScheduleCursor Cursor(string cron) => new(new ServiceSchedule(CronSchedule.Parse(cron, "UTC"), 1, new SpreadLimits(TimeSpan.Zero, 0)));

    private static ScheduledCheck At(string occurrence, string? fireAt = null) => new(Times.At(occurrence), Times.At(fireAt ?? occurrence));

    [Theory]
    // cron, last started, now, expected armed (occurrence, fire at) or null
    // Nothing missed: the next occurrence.
    [InlineData("*/5 * * * *", "2026-11-27T10:00:00Z", "2026-11-27T10:02:00Z", "2026-11-27T10:05:00Z", "2026-11-27T10:05:00Z")]
    // Missed one while no silo ran the grain: a catch-up now, standing for it.
    [InlineData("*/5 * * * *", "2026-11-27T10:00:00Z", "2026-11-27T10:06:00Z", "2026-11-27T10:05:00Z", "2026-11-27T10:06:00Z")]
    // Missed many (a day): one catch-up for the latest, not one per occurrence.
    [InlineData("*/5 * * * *", "2026-11-26T10:00:00Z", "2026-11-27T10:06:00Z", "2026-11-27T10:05:00Z", "2026-11-27T10:06:00Z")]
    // A 1-second cron missed for 20 minutes: the latest missed occurrence, found without walking them all.
    [InlineData("* * * * * *", "2026-11-27T10:00:00Z", "2026-11-27T10:20:00.300Z", "2026-11-27T10:20:00Z", "2026-11-27T10:20:00.300Z")]
    // The next regular check is less than half an interval away: it is the catch-up (no two in one interval).
    [InlineData("*/5 * * * *", "2026-11-27T10:00:00Z", "2026-11-27T10:09:00Z", "2026-11-27T10:10:00Z", "2026-11-27T10:10:00Z")]
    [InlineData("* * * * * *", "2026-11-27T10:00:00Z", "2026-11-27T10:00:05.904Z", "2026-11-27T10:00:06Z", "2026-11-27T10:00:06Z")]
    // Exactly at an occurrence that was not started: it is due now.
    [InlineData("*/5 * * * *", "2026-11-27T10:00:00Z", "2026-11-27T10:05:00Z", "2026-11-27T10:05:00Z", "2026-11-27T10:05:00Z")]
    // Far away: a yearly cron arms its occurrence months ahead (the grain sets its timer in steps).
    [InlineData("0 0 1 6 *", "2026-06-01T00:00:00Z", "2026-11-27T10:00:00Z", "2027-06-01T00:00:00Z", "2027-06-01T00:00:00Z")]
    public void Resume_after_activation_arms_one_catch_up_or_the_next_occurrence(string cron, string lastStarted, string now, string occurrence, string fireAt)
    {
        var step = Cursor(cron).Resume(Times.At(lastStarted), Times.At(now));

        Assert.Null(step.Run);
        Assert.Equal(At(occurrence, fireAt), step.Arm);
    }

    [Theory]
    // A failover catch-up at 10:00:05.904 stood for 10:00:05; the timer then arms 10:00:06, not a second run of :05.
    [InlineData("* * * * * *", "2026-11-27T10:00:05Z", "2026-11-27T10:00:05.904Z", "2026-11-27T10:00:06Z")]
    // Created at 10:02 (the creation counts as started): the next occurrence, never a catch-up.
    [InlineData("*/5 * * * *", "2026-11-27T10:02:00Z", "2026-11-27T10:02:00Z", "2026-11-27T10:05:00Z")]
    // Created exactly on an occurrence: the one at that moment counts as started.
    [InlineData("*/5 * * * *", "2026-11-27T10:05:00Z", "2026-11-27T10:05:00Z", "2026-11-27T10:10:00Z")]
    public void Plan_arms_the_next_occurrence_not_yet_started(string cron, string lastStarted, string now, string expected)
    {
        var step = Cursor(cron).Plan(Times.At(lastStarted), Times.At(now));

        Assert.Equal((null, At(expected), 0), (step.Run, step.Arm, step.Skipped));
    }

    [Fact]
    public void A_cron_that_never_fires_arms_nothing() =>
        Assert.Null(Cursor("0 0 30 2 *").Plan(Times.At("2026-01-01T00:00:00Z"), Times.At("2026-01-01T00:00:00Z")).Arm);

    [Theory]
    // armed occurrence, last started, now, expected run (or null), expected armed, skipped
    // On time: run it, arm the next.
    [InlineData("2026-11-27T10:05:00Z", "2026-11-27T10:00:00Z", "2026-11-27T10:05:00.002Z", "2026-11-27T10:05:00Z", "2026-11-27T10:10:00Z", 0)]
    // Early (timers may fire a hair early; far occurrences are reached in steps): no run, the same check again.
    [InlineData("2026-11-27T10:05:00Z", "2026-11-27T10:00:00Z", "2026-11-27T10:04:59.990Z", null, "2026-11-27T10:05:00Z", 0)]
    [InlineData("2026-11-27T10:05:00Z", "2026-11-27T10:00:00Z", "2026-11-26T10:00:00Z", null, "2026-11-27T10:05:00Z", 0)]
    // Already started (a re-armed timer, a duplicated wake-up): no second run.
    [InlineData("2026-11-27T10:05:00Z", "2026-11-27T10:05:00Z", "2026-11-27T10:05:00.002Z", null, "2026-11-27T10:10:00Z", 0)]
    // Fell behind by more than one occurrence: run the armed one, then the latest due once; the ones between are skipped.
    [InlineData("2026-11-27T10:05:00Z", "2026-11-27T10:00:00Z", "2026-11-27T10:21:00Z", "2026-11-27T10:05:00Z", "2026-11-27T10:20:00Z", 2)]
    // Fell behind by exactly one: the next is due at once, nothing skipped.
    [InlineData("2026-11-27T10:05:00Z", "2026-11-27T10:00:00Z", "2026-11-27T10:11:00Z", "2026-11-27T10:05:00Z", "2026-11-27T10:10:00Z", 0)]
    public void Fire_runs_each_occurrence_once_and_skips_what_fell_behind(string armed, string lastStarted, string now, string? run, string arm, int skipped)
    {
        var step = Cursor("*/5 * * * *").Fire(At(armed), Times.At(lastStarted), Times.At(now));

        Assert.Equal(run is null ? null : At(run), step.Run);
        Assert.Equal(At(arm), step.Arm);
        Assert.Equal(skipped, step.Skipped);
    }

    [Fact]
    public void Fire_for_a_catch_up_arms_the_regular_occurrence_after_the_one_it_stood_for()
    {
        var cursor = Cursor("*/5 * * * *");
        var catchUp = cursor.Resume(Times.At("2026-11-27T10:00:00Z"), Times.At("2026-11-27T10:06:00Z")).Arm!.Value;

        var step = cursor.Fire(catchUp, Times.At("2026-11-27T10:00:00Z"), Times.At("2026-11-27T10:06:00.001Z"));

        Assert.Equal(At("2026-11-27T10:05:00Z", "2026-11-27T10:06:00Z"), step.Run);
        Assert.Equal(At("2026-11-27T10:10:00Z"), step.Arm);
    }

    [Fact]
    public void Latest_due_of_a_one_second_cron_a_day_behind_is_the_last_second_before_now()
    {
        var cursor = Cursor("* * * * * *");

        var latest = cursor.LatestDue(Times.At("2026-11-26T10:00:00Z"), Times.At("2026-11-27T10:00:00.500Z"));

        Assert.Equal(At("2026-11-27T10:00:00Z"), latest);
    }
}
