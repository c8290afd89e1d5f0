using Monitoring.Grains.Data;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Scheduling;
using Monitoring.Grains.Services;

namespace Monitoring.Grains.Maintenance;

/// <summary>
/// Applies a create or patch body to a maintenance window by alerting.md's rules: a name (1–200 characters),
/// and exactly one of the two forms, one-off (<c>starts_at</c> before <c>ends_at</c>) or recurring
/// (<c>cron_schedule</c> firing at some date, <c>cron_timezone</c> an IANA zone, default UTC, and
/// <c>duration_minutes</c> 1–10080). Whether <c>service_ids</c> are the client's is looked up by the caller.
/// </summary>
public static class MaintenanceValidator
{
    public const int MaxServiceIds = 10_000;

    public static bool TryApply(MaintenanceWindowRow current, MaintenanceWindowFields fields, bool creating, out MaintenanceWindowRow result, out Failure? failure)
    {
        var errors = new Dictionary<string, string>();
        var next = current;

        if (NameRule.Apply(fields.Name, creating, errors) is { } name)
        {
            next = next with { Name = name };
        }

        if (fields.ServiceIds.IsSet)
        {
            if (fields.ServiceIds.Value is not { } ids)
            {
                errors["service_ids"] = "must be an array of service ids ([] for every service of the client)";
            }
            else if (ids.Length > MaxServiceIds)
            {
                errors["service_ids"] = $"must name at most {MaxServiceIds} services";
            }
            else
            {
                next = next with { ServiceIds = ids.Distinct().ToArray() };
            }
        }

        if (fields.StartsAt.IsSet)
        {
            next = next with { StartsAt = fields.StartsAt.Value?.ToMilliseconds() };
        }

        if (fields.EndsAt.IsSet)
        {
            next = next with { EndsAt = fields.EndsAt.Value?.ToMilliseconds() };
        }

        if (fields.CronSchedule.IsSet)
        {
            var cron = fields.CronSchedule.Value?.Trim();
            next = next with { CronSchedule = string.IsNullOrEmpty(cron) ? null : string.Join(' ', cron.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)) };
        }

        if (fields.CronTimezone.IsSet)
        {
            next = next with { CronTimezone = fields.CronTimezone.Value?.Trim() };
        }

        if (fields.DurationMinutes.IsSet)
        {
            next = next with { DurationMinutes = fields.DurationMinutes.Value };
        }

        CheckForm(next, errors, out next);
        result = next;
        failure = errors.Count == 0 ? null : Failure.ForFields(errors);
        return failure is null;
    }

    private static void CheckForm(MaintenanceWindowRow window, Dictionary<string, string> errors, out MaintenanceWindowRow result)
    {
        result = window;
        var oneOff = window.StartsAt is not null || window.EndsAt is not null;
        var recurring = window.CronSchedule is not null || window.DurationMinutes is not null;
        if (oneOff == recurring)
        {
            errors["starts_at"] = oneOff
                ? "must not be combined with cron_schedule and duration_minutes: a window is one-off (starts_at, ends_at) or recurring (cron_schedule, cron_timezone, duration_minutes); send null for the other form's fields"
                : "is required (with ends_at) for a one-off window; a recurring one takes cron_schedule, cron_timezone and duration_minutes";
            return;
        }

        if (oneOff)
        {
            if (window.StartsAt is null)
            {
                errors["starts_at"] = "is required with ends_at";
            }
            else if (window.EndsAt is null)
            {
                errors["ends_at"] = "is required with starts_at";
            }
            else if (window.EndsAt <= window.StartsAt)
            {
                errors["ends_at"] = "must be after starts_at";
            }

            if (window.CronTimezone is not null)
            {
                errors["cron_timezone"] = "applies only to a recurring window";
            }

            return;
        }

        var zone = window.CronTimezone ?? "UTC";
        if (!CronSchedule.TryFindZone(zone, out _))
        {
            errors["cron_timezone"] = $"unknown time zone '{zone}' (use an IANA name such as UTC or Europe/Berlin)";
        }

        if (window.CronSchedule is null)
        {
            errors["cron_schedule"] = "is required with duration_minutes";
        }
        else if (window.CronSchedule.Length > 200)
        {
            errors["cron_schedule"] = "must be at most 200 characters";
        }
        else if (!CronSchedule.TryParse(window.CronSchedule, errors.ContainsKey("cron_timezone") ? "UTC" : zone, out var cron, out var reason))
        {
            errors["cron_schedule"] = reason!;
        }
        else if (!cron!.EverFires)
        {
            errors["cron_schedule"] = "never fires (no date matches it)";
        }

        if (window.DurationMinutes is not (>= 1 and <= 10080))
        {
            errors["duration_minutes"] = window.DurationMinutes is null ? "is required with cron_schedule" : "must be an integer from 1 to 10080";
        }

        result = window with { CronTimezone = zone };
    }
}
