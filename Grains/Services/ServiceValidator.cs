using System.Net;
using Monitoring.Grains.Checking;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Monitors;
using Monitoring.Grains.Scheduling;

namespace Monitoring.Grains.Services;

/// <summary>
/// Applies a create or patch body to a service's config by the contract's rules, collecting every
/// field's problem so that one 400 says everything to fix.
/// </summary>
public static class ServiceValidator
{
    public const int MaxUrlLength = 2048;
    public const int MaxNameLength = NameRule.MaxLength;
    public const int MaxUsernameLength = 200;
    public const int MaxPasswordLength = 1024;
    public const int MaxAlertChannels = 50;

    /// <summary>
    /// Applies <paramref name="fields"/> to <paramref name="current"/>. <paramref name="denied"/> refuses
    /// endpoint URLs whose host is a literal address of a denied network (names are checked at connect time).
    /// </summary>
    public static bool TryApply(ServiceConfig current, ServiceFields fields, bool creating, out ServiceConfig result, out Failure? failure, DeniedNetworks? denied = null)
    {
        var errors = new Dictionary<string, string>();
        var next = current;

        if (NameRule.Apply(fields.Name, creating, errors) is { } name)
        {
            next = next with { Name = name };
        }

        var type = MonitorRules.ApplyType(current, fields, ref next, errors);
        var typeChanged = type != current.Type;
        MonitorRules.RejectForeignFields(fields, type, errors);

        if (type != MonitorTypes.Heartbeat && !errors.ContainsKey("type") && (fields.EndpointUrl.IsSet || creating || typeChanged))
        {
            var url = fields.EndpointUrl.Or(null)?.Trim();
            if (string.IsNullOrEmpty(url))
            {
                errors["endpoint_url"] = fields.EndpointUrl.IsSet ? EndpointShape(type) : type == MonitorTypes.Http && !typeChanged ? "is required" : $"is required for {MonitorRules.Article(type)} {type} service";
            }
            else if (url.Length > MaxUrlLength)
            {
                errors["endpoint_url"] = $"must be at most {MaxUrlLength} characters";
            }
            else if (EndpointProblem(url, type, denied) is { } problem)
            {
                errors["endpoint_url"] = problem;
            }
            else
            {
                next = next with { EndpointUrl = url };
            }
        }

        if (type == MonitorTypes.Http)
        {
            MonitorRules.ApplyHttp(fields, ref next, errors);
            next = next with { Method = SharedText.Of(next.Method) };
            SetInt(fields.ExpectedStatusCode, "expected_status_code", 100, 599, v => next = next with { ExpectedStatusCode = v }, errors);
        }

        if (type == MonitorTypes.Heartbeat)
        {
            MonitorRules.ApplyHeartbeat(fields, ref next, errors);
        }
        else
        {
            MonitorRules.ApplyTls(fields, ref next, errors);
        }

        SetInt(fields.TimeoutMs, "timeout_ms", 100, type == MonitorTypes.Heartbeat ? MonitorRules.MaxHeartbeatTimeoutMs : 60000, v => next = next with { TimeoutMs = v }, errors);

        if (fields.DegradedThresholdMs.IsSet && type != MonitorTypes.Heartbeat)
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
            else if (!CronSchedule.TryParse(cron, "UTC", out var parsed, out var reason))
            {
                errors["cron_schedule"] = reason!;
            }
            else if (!parsed!.EverFires)
            {
                errors["cron_schedule"] = "never fires (no date matches it)";
            }
            else
            {
                next = next with { CronSchedule = SharedText.Of(string.Join(' ', cron.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))) };
            }
        }

        // The pair must parse together too, so that scheduling cannot fail after the row is written.
        if ((fields.CronSchedule.IsSet || fields.CronTimezone.IsSet) && !errors.ContainsKey("cron_schedule") && !errors.ContainsKey("cron_timezone")
            && !CronSchedule.TryParse(next.CronSchedule, next.CronTimezone, out _, out var pairReason))
        {
            errors["cron_schedule"] = pairReason!;
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

        if (fields.Public.IsSet)
        {
            if (fields.Public.Value is { } shown)
            {
                next = next with { Public = shown };
            }
            else
            {
                errors["public"] = "must be true or false";
            }
        }

        SetInt(fields.FailureThreshold, "failure_threshold", 1, 100, v => next = next with { FailureThreshold = v }, errors);
        SetInt(fields.SuccessThreshold, "success_threshold", 1, 100, v => next = next with { SuccessThreshold = v }, errors);
        ApplyAlerting(current, fields, ref next, errors);

        if (fields.BasicAuthUsername.IsSet && type == MonitorTypes.Http)
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

        // A stored password goes wherever endpoint_url points: whoever moves the service to another origin
        // could read it from the next check. Moving it therefore takes the password again (or null).
        if (current.PasswordCiphertext is not null && next.PasswordCiphertext is not null && !fields.BasicAuthPassword.IsSet && !errors.ContainsKey("endpoint_url")
            && !SameOrigin(current.EndpointUrl, next.EndpointUrl))
        {
            errors["basic_auth_password"] = "is required when endpoint_url moves to another origin (scheme, host or port): send the password again, or null to remove it";
        }

        MonitorRules.CheckCombination(next, fields, errors);
        result = next;
        failure = errors.Count == 0 ? null : Failure.ForFields(errors);
        return failure is null;
    }

    /// <summary>The alerting fields whose rules need no lookup: <c>alert_on</c>, <c>renotify_minutes</c>, the shape of the id fields.</summary>
    private static void ApplyAlerting(ServiceConfig current, ServiceFields fields, ref ServiceConfig next, Dictionary<string, string> errors)
    {
        if (fields.AlertOn.IsSet)
        {
            if (fields.AlertOn.Value?.Trim() is "down" or "degraded")
            {
                next = next with { AlertOn = SharedText.Of(fields.AlertOn.Value.Trim()) };
            }
            else
            {
                errors["alert_on"] = "must be down or degraded";
            }
        }

        if (fields.RenotifyMinutes.IsSet)
        {
            switch (fields.RenotifyMinutes.Value)
            {
                case null:
                    next = next with { RenotifyMinutes = null };
                    break;
                case >= 5 and <= 10080 and var minutes:
                    next = next with { RenotifyMinutes = minutes };
                    break;
                default:
                    errors["renotify_minutes"] = "must be null or an integer from 5 to 10080";
                    break;
            }
        }

        if (fields.DependsOnServiceId.IsSet)
        {
            if (fields.DependsOnServiceId.Value == current.Id)
            {
                errors["depends_on_service_id"] = "must not be the service itself";
            }
            else
            {
                next = next with { DependsOnServiceId = fields.DependsOnServiceId.Value };
            }
        }

        if (fields.AlertChannelIds.IsSet)
        {
            var ids = fields.AlertChannelIds.Value;
            if (ids is null)
            {
                errors["alert_channel_ids"] = "must be an array of channel ids";
            }
            else if (ids.Length > MaxAlertChannels)
            {
                errors["alert_channel_ids"] = $"must name at most {MaxAlertChannels} channels";
            }
            else
            {
                next = next with { AlertChannelIds = ids.Distinct().ToArray() };
            }
        }
    }

    /// <summary>Same scheme, host and effective port (http://a and http://a:80 are one origin).</summary>
    public static bool SameOrigin(string? a, string? b) =>
        a is not null && b is not null && Uri.TryCreate(a, UriKind.Absolute, out var x) && Uri.TryCreate(b, UriKind.Absolute, out var y)
        && string.Equals(x.Scheme, y.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(x.IdnHost, y.IdnHost, StringComparison.OrdinalIgnoreCase)
        && x.Port == y.Port;

    private static string EndpointShape(string type) =>
        type == MonitorTypes.Tcp ? "must be tcp://host:port or tls://host:port" : "must be an absolute http:// or https:// URL";

    /// <summary>Why <paramref name="url"/> cannot be the endpoint of a service of <paramref name="type"/>, or null.</summary>
    private static string? EndpointProblem(string url, string type, DeniedNetworks? denied)
    {
        string host;
        if (type == MonitorTypes.Tcp)
        {
            if (!TcpCheckRequest.TryParse(url, TimeSpan.Zero, true, out var endpoint, out var error))
            {
                return error;
            }

            host = endpoint.Host;
        }
        else if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            return EndpointShape(type);
        }
        else if (uri.UserInfo.Length > 0 || HasUserInfo(url))
        {
            return "must not contain credentials (user:password@); send them as basic_auth_username and basic_auth_password";
        }
        else
        {
            host = uri.IdnHost.Trim('[', ']');
        }

        return IPAddress.TryParse(host, out var literal) && denied?.Match(literal) is { } network
            ? $"must not target {host}: checks may not connect to the network {network}"
            : null;
    }

    /// <summary>Whether the authority (between "//" and the next '/', '?' or '#') holds an '@'.</summary>
    private static bool HasUserInfo(string url)
    {
        var start = url.IndexOf("//", StringComparison.Ordinal);
        if (start < 0)
        {
            return false;
        }

        start += 2;
        var end = url.IndexOfAny(['/', '?', '#', '\\'], start);
        var authority = end < 0 ? url[start..] : url[start..end];
        return authority.Contains('@', StringComparison.Ordinal);
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
