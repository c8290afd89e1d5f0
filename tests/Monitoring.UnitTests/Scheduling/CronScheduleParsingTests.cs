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
    [InlineData("@hourly")]
    [InlineData("@daily")]
    [InlineData("@every")]
    public void Refuses_a_macro_by_name(string cron)
    {
        var parsed = CronSchedule.TryParse(cron, "UTC", out var schedule, out var error);

        Assert.False(parsed);
        Assert.Null(schedule);
        Assert.Equal($"macros such as '{cron}' are not supported; give the 5 fields (e.g. '0 * * * *' for @hourly)", error);
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

/// <summary>Input a cron parser accepts at first sight but that throws elsewhere: every such failure is a reason, never an exception.</summary>
public sealed class CronScheduleRefusalTests
{
    [Theory]
    [InlineData("H * * * *")]
    [InlineData("H H * * *")]
    [InlineData("0 H(0-29) * * *")]
    [InlineData("* * * * * H")]
    [InlineData("0 0 1 1 1#6")]
    [InlineData("0 0 32W * *")]
    [InlineData("0 0 LW-40 * *")]
    [InlineData("\u0000 * * * *")]
    [InlineData("9999999999 * * * *")]
    [InlineData("*/99999999999 * * * *")]
    [InlineData("0-59/0 * * * *")]
    [InlineData("@hourly")]
    public void Anything_the_parser_cannot_read_is_a_reason_not_an_exception(string cron)
    {
        var parsed = CronSchedule.TryParse(cron, "UTC", out var schedule, out var error);

        Assert.False(parsed);
        Assert.Null(schedule);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void A_hashed_field_says_it_is_not_supported()
    {
        Assert.False(CronSchedule.TryParse("H * * * *", "UTC", out _, out var error));

        Assert.Contains("'H'", error);
    }

    [Theory]
    [InlineData("America")]
    [InlineData("Europe")]
    [InlineData("Etc")]
    [InlineData("posix")]
    [InlineData("right/UTC/..")]
    [InlineData("/etc/passwd")]
    [InlineData("America/")]
    [InlineData("America//New_York")]
    [InlineData("\u0000")]
    [InlineData("Europe/Berlin\u0000")]
    [InlineData("CON")]
    [InlineData("..")]
    [InlineData(".")]
    public void A_zone_name_that_is_a_folder_or_not_a_name_is_refused(string name)
    {
        Assert.False(CronSchedule.TryFindZone(name, out var zone));
        Assert.Null(zone);
        Assert.False(CronSchedule.TryParse("* * * * *", name, out _, out var error));
        Assert.Contains("unknown time zone", error);
    }
}
