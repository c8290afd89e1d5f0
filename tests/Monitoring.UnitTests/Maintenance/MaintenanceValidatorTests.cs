using Monitoring.Grains.Maintenance;

namespace Monitoring.UnitTests.Maintenance;

/// <summary>
/// alerting.md, "maintenance-windows": a name of 1–200 characters, and exactly one of two forms, else 400: a
/// one-off window (<c>ends_at</c> after <c>starts_at</c>) or a recurring one (a <c>cron_schedule</c> that parses
/// and fires, a <c>cron_timezone</c> that exists, UTC by default, and <c>duration_minutes</c> of 1–10080).
/// </summary>
public sealed class MaintenanceValidatorTests
{
    private static readonly DateTimeOffset Start = Times.At("2026-06-15T10:00:00Z");

    private static readonly MaintenanceWindowRow Blank = new() { ClientId = 7 };

    private static readonly MaintenanceWindowRow StoredRecurring = new()
    {
        Id = 3,
        ClientId = 7,
        Name = "Nightly backup",
        CronSchedule = "0 2 * * *",
        CronTimezone = "UTC",
        DurationMinutes = 60,
    };

    [Fact]
    public void A_one_off_window_takes_its_start_and_end()
    {
        var fields = new MaintenanceWindowFields { Name = "  Upgrade  ", StartsAt = Start, EndsAt = Start.AddHours(2), ServiceIds = new long[] { 1, 2, 2 } };

        var valid = MaintenanceValidator.TryApply(Blank, fields, creating: true, out var result, out var failure);

        Assert.True(valid, failure?.Message);
        Assert.Null(failure);
        Assert.Equal("Upgrade", result.Name);
        Assert.Equal(Start, result.StartsAt);
        Assert.Equal(Start.AddHours(2), result.EndsAt);
        Assert.Equal(new long[] { 1, 2 }, result.ServiceIds);
        Assert.Null(result.CronSchedule);
        Assert.Null(result.CronTimezone);
        Assert.Null(result.DurationMinutes);
    }

    [Fact]
    public void A_recurring_window_defaults_to_utc()
    {
        var fields = new MaintenanceWindowFields { Name = "Nightly", CronSchedule = "0 2 * * *", DurationMinutes = 60 };

        var valid = MaintenanceValidator.TryApply(Blank, fields, creating: true, out var result, out var failure);

        Assert.True(valid, failure?.Message);
        Assert.Equal("0 2 * * *", result.CronSchedule);
        Assert.Equal("UTC", result.CronTimezone);
        Assert.Equal(60, result.DurationMinutes);
        Assert.Null(result.StartsAt);
        Assert.Null(result.EndsAt);
        Assert.Empty(result.ServiceIds);
    }

    [Theory]
    [InlineData("Europe/Berlin")]
    [InlineData("America/New_York")]
    [InlineData("Etc/UTC")]
    public void A_recurring_window_keeps_its_time_zone(string zone)
    {
        var fields = new MaintenanceWindowFields { Name = "Nightly", CronSchedule = "0 2 * * *", CronTimezone = zone, DurationMinutes = 60 };

        var valid = MaintenanceValidator.TryApply(Blank, fields, creating: true, out var result, out var failure);

        Assert.True(valid, failure?.Message);
        Assert.Equal(zone, result.CronTimezone);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(60)]
    [InlineData(10080)]
    public void A_duration_of_1_to_10080_minutes_is_taken(int minutes)
    {
        var valid = MaintenanceValidator.TryApply(Blank, Recurring("0 2 * * *", minutes), creating: true, out var result, out var failure);

        Assert.True(valid, failure?.Message);
        Assert.Equal(minutes, result.DurationMinutes);
    }

    /// <summary>Each row: a create body, and the field its 400 names.</summary>
    public static TheoryData<MaintenanceWindowFields, string> Refused() => new()
    {
        // name
        { new MaintenanceWindowFields { StartsAt = Start, EndsAt = Start.AddHours(1) }, "name" },
        { new MaintenanceWindowFields { Name = "", StartsAt = Start, EndsAt = Start.AddHours(1) }, "name" },
        { new MaintenanceWindowFields { Name = "  ", StartsAt = Start, EndsAt = Start.AddHours(1) }, "name" },
        { new MaintenanceWindowFields { Name = (string?)null, StartsAt = Start, EndsAt = Start.AddHours(1) }, "name" },
        { new MaintenanceWindowFields { Name = new string('n', 201), StartsAt = Start, EndsAt = Start.AddHours(1) }, "name" },

        // one-off: ends_at after starts_at, both given
        { new MaintenanceWindowFields { Name = "W", StartsAt = Start, EndsAt = Start }, "ends_at" },
        { new MaintenanceWindowFields { Name = "W", StartsAt = Start, EndsAt = Start.AddMinutes(-1) }, "ends_at" },
        { new MaintenanceWindowFields { Name = "W", StartsAt = Start }, "ends_at" },
        { new MaintenanceWindowFields { Name = "W", EndsAt = Start }, "starts_at" },

        // recurring: cron parses and fires, zone exists, duration 1–10080
        { Recurring("not a cron", 60), "cron_schedule" },
        { Recurring("0 2 * *", 60), "cron_schedule" },
        { Recurring("61 2 * * *", 60), "cron_schedule" },
        { Recurring("0 0 30 2 *", 60), "cron_schedule" },
        { Recurring("0 0 31 4 *", 60), "cron_schedule" },
        { new MaintenanceWindowFields { Name = "W", DurationMinutes = 60 }, "cron_schedule" },
        { Recurring("0 2 * * *", 0), "duration_minutes" },
        { Recurring("0 2 * * *", -5), "duration_minutes" },
        { Recurring("0 2 * * *", 10081), "duration_minutes" },
        { new MaintenanceWindowFields { Name = "W", CronSchedule = "0 2 * * *" }, "duration_minutes" },
        { new MaintenanceWindowFields { Name = "W", CronSchedule = "0 2 * * *", DurationMinutes = (int?)null }, "duration_minutes" },
        { new MaintenanceWindowFields { Name = "W", CronSchedule = "0 2 * * *", CronTimezone = "Mars/Olympus_Mons", DurationMinutes = 60 }, "cron_timezone" },
        { new MaintenanceWindowFields { Name = "W", CronSchedule = "0 2 * * *", CronTimezone = "W. Europe Standard Time", DurationMinutes = 60 }, "cron_timezone" },
        { new MaintenanceWindowFields { Name = "W", CronSchedule = "0 2 * * *", CronTimezone = "", DurationMinutes = 60 }, "cron_timezone" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void A_wrong_create_is_a_400_naming_the_field(MaintenanceWindowFields fields, string field)
    {
        var valid = MaintenanceValidator.TryApply(Blank, fields, creating: true, out _, out var failure);

        Assert.False(valid);
        Assert.NotNull(failure);
        Assert.Equal(FailureKind.BadRequest, failure.Kind);
        Assert.Equal(new[] { field }, failure.Errors!.Keys);
    }

    /// <summary>Each row: a body with both forms or with neither: a 400 either way.</summary>
    public static TheoryData<MaintenanceWindowFields> NotExactlyOneForm() => new()
    {
        new MaintenanceWindowFields { Name = "W", StartsAt = Start, EndsAt = Start.AddHours(1), CronSchedule = "0 2 * * *", DurationMinutes = 60 },
        new MaintenanceWindowFields { Name = "W", StartsAt = Start, EndsAt = Start.AddHours(1), CronSchedule = "0 2 * * *" },
        new MaintenanceWindowFields { Name = "W", StartsAt = Start, EndsAt = Start.AddHours(1), DurationMinutes = 60 },
        new MaintenanceWindowFields { Name = "W", StartsAt = Start, CronSchedule = "0 2 * * *", DurationMinutes = 60 },
        new MaintenanceWindowFields { Name = "W" },
        new MaintenanceWindowFields { Name = "W", StartsAt = (DateTimeOffset?)null, EndsAt = (DateTimeOffset?)null, CronSchedule = (string?)null, DurationMinutes = (int?)null },
        new MaintenanceWindowFields { Name = "W", CronSchedule = "   " },
        new MaintenanceWindowFields { Name = "W", CronTimezone = "Europe/Berlin" },
    };

    [Theory]
    [MemberData(nameof(NotExactlyOneForm))]
    public void Both_forms_or_neither_is_a_400(MaintenanceWindowFields fields)
    {
        var valid = MaintenanceValidator.TryApply(Blank, fields, creating: true, out _, out var failure);

        Assert.False(valid);
        Assert.Equal(FailureKind.BadRequest, failure!.Kind);
        Assert.NotEmpty(failure.Errors!);
    }

    [Fact]
    public void A_cron_that_never_fires_says_so()
    {
        MaintenanceValidator.TryApply(Blank, Recurring("0 0 30 2 *", 60), creating: true, out _, out var failure);

        Assert.Contains("never fires", failure!.Errors!["cron_schedule"], StringComparison.Ordinal);
    }

    [Fact]
    public void Every_wrong_field_is_named_in_one_400()
    {
        var fields = new MaintenanceWindowFields { Name = "", CronSchedule = "0 0 30 2 *", CronTimezone = "Nowhere/Land", DurationMinutes = 0 };

        var valid = MaintenanceValidator.TryApply(Blank, fields, creating: true, out _, out var failure);

        Assert.False(valid);
        Assert.Equal(new[] { "cron_schedule", "cron_timezone", "duration_minutes", "name" }, failure!.Errors!.Keys.Order());
    }

    [Fact]
    public void A_patch_of_the_duration_keeps_the_rest()
    {
        var valid = MaintenanceValidator.TryApply(StoredRecurring, new MaintenanceWindowFields { DurationMinutes = 90 }, creating: false, out var result, out var failure);

        Assert.True(valid, failure?.Message);
        Assert.Equal(StoredRecurring with { DurationMinutes = 90 }, result);
    }

    [Fact]
    public void A_patch_adding_the_one_off_form_to_a_recurring_window_is_a_400()
    {
        var valid = MaintenanceValidator.TryApply(StoredRecurring, new MaintenanceWindowFields { StartsAt = Start, EndsAt = Start.AddHours(1) }, creating: false, out _, out var failure);

        Assert.False(valid);
        Assert.Equal(FailureKind.BadRequest, failure!.Kind);
    }

    [Fact]
    public void A_patch_may_switch_a_recurring_window_to_one_off_by_nulling_the_other_forms_fields()
    {
        var fields = new MaintenanceWindowFields
        {
            StartsAt = Start,
            EndsAt = Start.AddHours(1),
            CronSchedule = (string?)null,
            CronTimezone = (string?)null,
            DurationMinutes = (int?)null,
        };

        var valid = MaintenanceValidator.TryApply(StoredRecurring, fields, creating: false, out var result, out var failure);

        Assert.True(valid, failure?.Message);
        Assert.Equal((Start, Start.AddHours(1)), (result.StartsAt!.Value, result.EndsAt!.Value));
        Assert.Null(result.CronSchedule);
        Assert.Null(result.DurationMinutes);
    }

    [Fact]
    public void A_patch_with_a_bad_name_is_a_400()
    {
        var valid = MaintenanceValidator.TryApply(StoredRecurring, new MaintenanceWindowFields { Name = " " }, creating: false, out _, out var failure);

        Assert.False(valid);
        Assert.Equal(new[] { "name" }, failure!.Errors!.Keys);
    }

    private static MaintenanceWindowFields Recurring(string cron, int minutes) => new() { Name = "Nightly", CronSchedule = cron, DurationMinutes = minutes };
}
