using Cronos;
using Monitoring.Grains.Scheduling;

namespace Monitoring.UnitTests.Scheduling;

public sealed class CronScheduleParsingTests
{
    [Theory]
    [InlineData("*/5 * * * *", "2026-11-27T10:02:30Z", "2026-11-27T10:05:00Z")]
    [InlineData("*/5 * * * *", "2026-11-27T10:05:00Z", "2026-11-27T10:10:00Z")]
    [InlineData("*/5 * * * *", "2026-11-27T10:04:59.999Z", "2026-11-27T10:05:00Z")]
    [InlineData("0 * * * *", "2026-11-27T10:00:00Z", "2026-11-27T11:00:00Z")]
    [InlineData("  */5   *  * * *  ", "2026-11-27T10:02:30Z", "2026-11-27T10:05:00Z")]
    [InlineData("*/10 * * * * *", "2026-11-27T10:00:00Z", "2026-11-27T10:00:10Z")]
    [InlineData("30 0 9 * * *", "2026-11-27T09:00:00Z", "2026-11-27T09:00:30Z")]
    [InlineData("0 0 1 1 *", "2026-11-27T10:00:00Z", "2027-01-01T00:00:00Z")]
    [InlineData("0 12 * * MON", "2026-11-27T10:00:00Z", "2026-11-30T12:00:00Z")]
    [InlineData("*/5 * * * *", "2026-11-27T12:02:30+02:00", "2026-11-27T10:05:00Z")]
    public void Reads_five_fields_or_six_with_seconds_first(string cron, string after, string expected)
    {
        var schedule = CronSchedule.Parse(cron, "UTC");

        var next = schedule.NextAfter(Times.At(after));

        Assert.Equal(Times.At(expected), next);
        Assert.Equal(TimeSpan.Zero, next!.Value.Offset);
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("   ", 0)]
    [InlineData("*", 1)]
    [InlineData("* * * *", 4)]
    [InlineData("* * * * * * *", 7)]
    [InlineData("0 0 0 1 1 * 2026", 7)]
    public void Refuses_another_number_of_fields(string cron, int fields)
    {
        var parsed = CronSchedule.TryParse(cron, "UTC", out var schedule, out var error);

        Assert.False(parsed);
        Assert.Null(schedule);
        Assert.Equal($"expected 5 fields, or 6 with seconds first, but got {fields}", error);
    }

    [Theory]
    [InlineData("61 * * * *", "Minutes: Value must be a number between 0 and 59 (all inclusive).")]
    [InlineData("a b c d e", "Minutes: Value must be a number between 0 and 59 (all inclusive).")]
    [InlineData("* * 32 * *", "Days of month: Value must be a number between 1 and 31 (all inclusive).")]
    [InlineData("*/0 * * * *", "Minutes: Value must be a number between 1 and 59 (all inclusive).")]
    [InlineData("* * * * 8", "Days of week: Value must be a number between 0 and 7 (all inclusive).")]
    [InlineData("60 * * * * *", "Seconds: Value must be a number between 0 and 59 (all inclusive).")]
    public void Answers_the_parsers_reason_for_an_invalid_expression(string cron, string reasonEnd)
    {
        var parserMessage = Assert.Throws<CronFormatException>(() => CronExpression.Parse(cron.Trim(), cron.Split(' ').Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard)).Message;

        var parsed = CronSchedule.TryParse(cron, "UTC", out var schedule, out var error);

        Assert.False(parsed);
        Assert.Null(schedule);
        Assert.Equal(parserMessage, error);
        Assert.EndsWith(reasonEnd, error);
    }

    [Fact]
    public void Parse_throws_a_format_exception_with_the_reason()
    {
        var error = Assert.Throws<FormatException>(() => CronSchedule.Parse("* * * *", "UTC"));

        Assert.Equal("expected 5 fields, or 6 with seconds first, but got 4", error.Message);
    }

    [Fact]
    public void An_expression_that_never_occurs_has_no_next_occurrence()
    {
        var schedule = CronSchedule.Parse("0 0 30 2 *", "UTC");

        Assert.Null(schedule.NextAfter(Times.At("2026-01-01T00:00:00Z")));
    }
}
