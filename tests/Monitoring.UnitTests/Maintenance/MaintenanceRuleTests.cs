using Monitoring.Grains.Maintenance;
using Monitoring.Grains.Scheduling;

namespace Monitoring.UnitTests.Maintenance;

/// <summary>
/// alerting.md, "maintenance-windows": a one-off window is open over [starts_at, ends_at); a recurring one opens
/// at each occurrence of its cron schedule, read in its time zone, for duration_minutes; it covers the services
/// it lists, or every service of its client when it lists none, and never a service of another client.
/// </summary>
public sealed class MaintenanceRuleTests
{
    private const long ClientId = 7;

    /// <summary>Each row: an instant, and whether the one-off window [10:00, 11:00) UTC of 2026-06-15 holds it.</summary>
    [Theory]
    [InlineData("2026-06-15T09:00:00.000Z", false)]
    [InlineData("2026-06-15T09:59:59.999Z", false)]
    [InlineData("2026-06-15T10:00:00.000Z", true)]
    [InlineData("2026-06-15T10:00:00.001Z", true)]
    [InlineData("2026-06-15T10:30:00.000Z", true)]
    [InlineData("2026-06-15T10:59:59.999Z", true)]
    [InlineData("2026-06-15T11:00:00.000Z", false)]
    [InlineData("2026-06-15T11:00:00.001Z", false)]
    [InlineData("2026-06-16T10:30:00.000Z", false)]
    [InlineData("2026-06-15T12:30:00.000+02:00", true)]
    public void A_one_off_window_is_open_from_its_start_until_just_before_its_end(string at, bool open)
    {
        var rule = OneOff("2026-06-15T10:00:00Z", "2026-06-15T11:00:00Z");

        Assert.Equal(open, rule.IsOpenAt(Times.At(at)));
    }

    /// <summary>Each row: an instant, and whether the window of "0 2 * * *" UTC, 60 minutes, holds it.</summary>
    [Theory]
    [InlineData("2026-06-15T01:59:59.999Z", false)]
    [InlineData("2026-06-15T02:00:00.000Z", true)]
    [InlineData("2026-06-15T02:30:00.000Z", true)]
    [InlineData("2026-06-15T02:59:59.999Z", true)]
    [InlineData("2026-06-15T03:00:00.000Z", false)]
    [InlineData("2026-06-15T12:00:00.000Z", false)]
    [InlineData("2026-06-16T02:00:00.000Z", true)]
    [InlineData("2026-03-29T02:30:00.000Z", true)]
    [InlineData("2026-10-25T02:30:00.000Z", true)]
    [InlineData("2026-10-25T01:30:00.000Z", false)]
    [InlineData("2026-12-31T02:59:59.000Z", true)]
    [InlineData("2027-01-01T02:00:00.000Z", true)]
    public void A_recurring_utc_window_opens_at_each_occurrence_for_its_duration(string at, bool open)
    {
        var rule = Recurring("0 2 * * *", "UTC", 60);

        Assert.Equal(open, rule.IsOpenAt(Times.At(at)));
    }

    /// <summary>
    /// Each row: an instant, and whether the window of "0 2 * * *" in Europe/Berlin, 60 minutes, holds it. 02:00
    /// Berlin is 01:00 UTC in winter (CET) and 00:00 UTC in summer (CEST). On 29 March 2026 02:00 does not exist
    /// (02:00 CET → 03:00 CEST): the occurrence moves to 03:00 CEST = 01:00 UTC. On 25 October 2026 02:00 happens
    /// twice (CEST, then CET an hour later): a fixed time opens once, at the first.
    /// </summary>
    [Theory]
    // Winter: [01:00Z, 02:00Z).
    [InlineData("2026-01-15T00:59:59.999Z", false)]
    [InlineData("2026-01-15T01:00:00.000Z", true)]
    [InlineData("2026-01-15T01:59:59.999Z", true)]
    [InlineData("2026-01-15T02:00:00.000Z", false)]
    // Summer: [00:00Z, 01:00Z).
    [InlineData("2026-06-14T23:59:59.999Z", false)]
    [InlineData("2026-06-15T00:00:00.000Z", true)]
    [InlineData("2026-06-15T00:59:59.999Z", true)]
    [InlineData("2026-06-15T01:00:00.000Z", false)]
    // The day before the spring change, still CET: [01:00Z, 02:00Z).
    [InlineData("2026-03-28T00:30:00.000Z", false)]
    [InlineData("2026-03-28T01:00:00.000Z", true)]
    [InlineData("2026-03-28T02:00:00.000Z", false)]
    // 29 March: 02:00 local is skipped; the window runs 03:00–04:00 CEST, [01:00Z, 02:00Z).
    [InlineData("2026-03-29T00:00:00.000Z", false)]
    [InlineData("2026-03-29T00:59:59.999Z", false)]
    [InlineData("2026-03-29T01:00:00.000Z", true)]
    [InlineData("2026-03-29T01:59:59.999Z", true)]
    [InlineData("2026-03-29T02:00:00.000Z", false)]
    // The day after, CEST: [00:00Z, 01:00Z).
    [InlineData("2026-03-30T00:00:00.000Z", true)]
    [InlineData("2026-03-30T01:00:00.000Z", false)]
    // The day before the autumn change, still CEST: [00:00Z, 01:00Z).
    [InlineData("2026-10-24T00:00:00.000Z", true)]
    [InlineData("2026-10-24T01:00:00.000Z", false)]
    // 25 October: opens at the first 02:00 (CEST, 00:00Z) for 60 minutes, not again at the second (CET, 01:00Z).
    [InlineData("2026-10-24T23:59:59.999Z", false)]
    [InlineData("2026-10-25T00:00:00.000Z", true)]
    [InlineData("2026-10-25T00:59:59.999Z", true)]
    [InlineData("2026-10-25T01:00:00.000Z", false)]
    [InlineData("2026-10-25T01:30:00.000Z", false)]
    // The day after, CET: [01:00Z, 02:00Z).
    [InlineData("2026-10-26T00:30:00.000Z", false)]
    [InlineData("2026-10-26T01:00:00.000Z", true)]
    [InlineData("2026-10-26T01:59:59.999Z", true)]
    [InlineData("2026-10-26T02:00:00.000Z", false)]
    public void A_recurring_window_is_read_in_its_time_zone_across_daylight_saving_changes(string at, bool open)
    {
        var rule = Recurring("0 2 * * *", "Europe/Berlin", 60);

        Assert.Equal(open, rule.IsOpenAt(Times.At(at)));
    }

    /// <summary>Each row: an instant, and whether the window of "0 23 * * *" UTC, 120 minutes (past midnight), holds it.</summary>
    [Theory]
    [InlineData("2026-06-15T22:59:59.999Z", false)]
    [InlineData("2026-06-15T23:00:00.000Z", true)]
    [InlineData("2026-06-16T00:30:00.000Z", true)]
    [InlineData("2026-06-16T00:59:59.999Z", true)]
    [InlineData("2026-06-16T01:00:00.000Z", false)]
    public void A_window_may_run_past_midnight(string at, bool open)
    {
        var rule = Recurring("0 23 * * *", "UTC", 120);

        Assert.Equal(open, rule.IsOpenAt(Times.At(at)));
    }

    /// <summary>Each row: an instant the weekly window of Sundays 04:00 UTC for 7 days (10080 minutes) must hold.</summary>
    [Theory]
    [InlineData("2026-06-14T03:59:59.999Z")]
    [InlineData("2026-06-14T04:00:00.000Z")]
    [InlineData("2026-06-17T12:00:00.000Z")]
    [InlineData("2026-06-21T03:59:59.999Z")]
    public void A_window_as_long_as_its_period_is_always_open(string at)
    {
        // 2026-06-14 is a Sunday; the window of the Sunday before ends exactly when this one opens.
        var rule = Recurring("0 4 * * 0", "UTC", 10080);

        Assert.True(rule.IsOpenAt(Times.At(at)));
    }

    /// <summary>Each row: the rule's service ids, the client and service asked about, and whether it is covered while open.</summary>
    [Theory]
    [InlineData(new long[0], 7L, 1L, true)]
    [InlineData(new long[0], 7L, 99L, true)]
    [InlineData(new long[] { 1, 2 }, 7L, 1L, true)]
    [InlineData(new long[] { 1, 2 }, 7L, 2L, true)]
    [InlineData(new long[] { 1, 2 }, 7L, 3L, false)]
    [InlineData(new long[0], 8L, 1L, false)]
    [InlineData(new long[] { 1, 2 }, 8L, 1L, false)]
    public void A_window_covers_its_services_or_every_service_of_its_client(long[] serviceIds, long clientId, long serviceId, bool covered)
    {
        var oneOff = OneOff("2026-06-15T10:00:00Z", "2026-06-15T11:00:00Z", serviceIds);
        var recurring = Recurring("0 2 * * *", "UTC", 60, serviceIds);

        Assert.Equal(covered, oneOff.Covers(clientId, serviceId, Times.At("2026-06-15T10:30:00Z")));
        Assert.Equal(covered, recurring.Covers(clientId, serviceId, Times.At("2026-06-15T02:30:00Z")));
    }

    [Theory]
    [InlineData(new long[0], "2026-06-15T11:00:00Z")]
    [InlineData(new long[] { 1 }, "2026-06-15T09:59:59Z")]
    public void A_closed_window_covers_nothing(long[] serviceIds, string at)
    {
        var rule = OneOff("2026-06-15T10:00:00Z", "2026-06-15T11:00:00Z", serviceIds);

        Assert.False(rule.Covers(ClientId, 1, Times.At(at)));
    }

    [Fact]
    public void Another_clients_services_are_never_covered_even_while_open()
    {
        var rule = Recurring("* * * * *", "UTC", 10080);

        Assert.True(rule.Covers(ClientId, 1, Times.At("2026-06-15T10:30:00Z")));
        Assert.False(rule.Covers(ClientId + 1, 1, Times.At("2026-06-15T10:30:00Z")));
    }

    [Fact]
    public void A_stored_row_becomes_the_same_rule()
    {
        var row = new MaintenanceWindowRow { Id = 1, ClientId = ClientId, ServiceIds = [3], CronSchedule = "0 2 * * *", CronTimezone = "Europe/Berlin", DurationMinutes = 60 };

        var rule = row.ToRule();

        Assert.True(rule.Covers(ClientId, 3, Times.At("2026-03-29T01:30:00Z")));
        Assert.False(rule.Covers(ClientId, 3, Times.At("2026-03-29T00:30:00Z")));
        Assert.False(rule.Covers(ClientId, 4, Times.At("2026-03-29T01:30:00Z")));
    }

    private static MaintenanceRule OneOff(string startsAt, string endsAt, long[]? serviceIds = null) =>
        new(1, ClientId, serviceIds ?? [], Times.At(startsAt), Times.At(endsAt), null, TimeSpan.Zero);

    private static MaintenanceRule Recurring(string cron, string zone, int minutes, long[]? serviceIds = null) =>
        new(2, ClientId, serviceIds ?? [], null, null, CronSchedule.Parse(cron, zone), TimeSpan.FromMinutes(minutes));
}
