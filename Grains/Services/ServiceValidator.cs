using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Scheduling;

namespace Monitoring.Grains.Services;

/// <summary>
/// Applies a create or patch body to a service's config by the contract's rules, collecting every
/// field's problem so that one 400 says everything to fix.
/// </summary>
public static class ServiceValidator
{
    public const int MaxUrlLength = 2048;
    public const int MaxNameLength = 200;
    public const int MaxUsernameLength = 200;
    public const int MaxPasswordLength = 1024;

    public static bool TryApply(ServiceConfig current, ServiceFields fields, bool creating, out ServiceConfig result, out Failure? failure)
    {
        var errors = new Dictionary<string, string>();
        var next = current;

        if (fields.Name.IsSet || creating)
        {
            var name = fields.Name.Or(null)?.Trim();
            if (string.IsNullOrEmpty(name))
            {
                errors["name"] = fields.Name.IsSet ? "must be a non-empty string" : "is required";
            }
            else if (TextLength.Of(name) > MaxNameLength)
            {
                errors["name"] = $"must be at most {MaxNameLength} characters";
            }
            else
            {
                next = next with { Name = name };
            }
        }

        if (fields.EndpointUrl.IsSet || creating)
        {
            var url = fields.EndpointUrl.Or(null)?.Trim();
            if (string.IsNullOrEmpty(url))
            {
                errors["endpoint_url"] = fields.EndpointUrl.IsSet ? "must be an absolute http:// or https:// URL" : "is required";
            }
            else if (url.Length > MaxUrlLength)
            {
                errors["endpoint_url"] = $"must be at most {MaxUrlLength} characters";
            }
            else if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
            {
                errors["endpoint_url"] = "must be an absolute http:// or https:// URL";
            }
            else
            {
                next = next with { EndpointUrl = url };
            }
        }

        if (fields.Method.IsSet)
        {
            var method = fields.Method.Value?.Trim().ToUpperInvariant();
            if (method is "GET" or "HEAD")
            {
                next = next with { Method = SharedText.Of(method) };
            }
            else
            {
                errors["method"] = "must be GET or HEAD";
            }
        }

        SetInt(fields.ExpectedStatusCode, "expected_status_code", 100, 599, v => next = next with { ExpectedStatusCode = v }, errors);
        SetInt(fields.TimeoutMs, "timeout_ms", 100, 60000, v => next = next with { TimeoutMs = v }, errors);

        if (fields.DegradedThresholdMs.IsSet)
        {
            switch (fields.DegradedThresholdMs.Value)
            {
                case null:
                    next = next with { DegradedThresholdMs = null };
                    break;
                case >= 1 and <= 3_600_000 and var threshold:
                    next = next with { DegradedThresholdMs = threshold };
                    break;
                default:
                    errors["degraded_threshold_ms"] = "must be null or an integer from 1 to 3600000";
                    break;
            }
        }

        if (fields.CronTimezone.IsSet)
        {
            var zone = fields.CronTimezone.Value?.Trim();
            if (zone is not null && CronSchedule.TryFindZone(zone, out _))
            {
                next = next with { CronTimezone = SharedText.Of(zone) };
            }
            else
            {
                errors["cron_timezone"] = $"unknown time zone '{fields.CronTimezone.Value}' (use an IANA name such as UTC or Europe/Berlin)";
            }
        }

        if (fields.CronSchedule.IsSet)
        {
            var cron = fields.CronSchedule.Value?.Trim();
            if (string.IsNullOrEmpty(cron) || cron.Length > 200)
            {
                errors["cron_schedule"] = "expected a cron expression of 5 fields, or 6 with seconds first";
            }
            else if (!CronSchedule.TryParse(cron, "UTC", out _, out var reason))
            {
                errors["cron_schedule"] = reason!;
            }
            else
            {
                next = next with { CronSchedule = SharedText.Of(string.Join(' ', cron.Split(' ', StringSplitOptions.RemoveEmptyEntries))) };
            }
        }

        if (fields.Enabled.IsSet)
        {
            if (fields.Enabled.Value is { } enabled)
            {
                next = next with { Enabled = enabled };
            }
            else
            {
                errors["enabled"] = "must be true or false";
            }
        }

        if (fields.BasicAuthUsername.IsSet)
        {
            var username = fields.BasicAuthUsername.Value;
            if (username is not null && TextLength.Of(username) > MaxUsernameLength)
            {
                errors["basic_auth_username"] = $"must be at most {MaxUsernameLength} characters";
            }
            else if (username is not null && username.Contains(':', StringComparison.Ordinal))
            {
                errors["basic_auth_username"] = "must not contain ':' (Basic Auth separates user and password with it)";
            }
            else
            {
                next = next with { BasicAuthUsername = username };
            }
        }

        if (fields.BasicAuthPassword is { IsSet: true, Value: { } password } && password.Reveal.Length > MaxPasswordLength)
        {
            errors["basic_auth_password"] = $"must be at most {MaxPasswordLength} characters";
        }

        result = next;
        failure = errors.Count == 0 ? null : Failure.ForFields(errors);
        return failure is null;
    }

    private static void SetInt(Optional<int?> field, string name, int min, int max, Action<int> set, Dictionary<string, string> errors)
    {
        if (!field.IsSet)
        {
            return;
        }

        if (field.Value is { } value && value >= min && value <= max)
        {
            set(value);
        }
        else
        {
            errors[name] = $"must be an integer from {min} to {max}";
        }
    }
}
