using System.Text;
using Monitoring.Grains.Conditions;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Services;

namespace Monitoring.Grains.Monitors;

/// <summary>
/// The rules of monitors.md for a create or patch body: the type, which fields apply to it (a field with a value
/// that does not is a 400 naming it; null is accepted as "none"), the HTTP extras, TLS and heartbeat fields.
/// Collects problems into the caller's error map, like <see cref="ServiceValidator"/>.
/// </summary>
public static class MonitorRules
{
    public const int MaxRequestBodyBytes = 64 * 1024;
    public const int MaxHeaders = 20;
    public const int MaxHeaderBytes = 8 * 1024;
    public const int MaxConditions = 20;
    public const int MaxGraceSeconds = 86_400;

    /// <summary>The longest timeout_ms of a heartbeat (how long a /start-ed run may take): a day. Checks that we make keep 60 s.</summary>
    public const int MaxHeartbeatTimeoutMs = 86_400_000;

    private static readonly string[] Http = [MonitorTypes.Http];
    private static readonly string[] Network = [MonitorTypes.Http, MonitorTypes.Tcp];
    private static readonly string[] Heartbeat = [MonitorTypes.Heartbeat];

    /// <summary>Headers the client sets itself, which a service may not override.</summary>
    private static readonly string[] ForbiddenHeaders = ["Host", "Content-Length", "Transfer-Encoding", "Connection"];

    /// <summary>
    /// Sets the type (default http on create). When it changes, every field that does not apply to the new type goes
    /// back to its default and endpoint_url must be given again (its form differs per type). Answers the effective type.
    /// </summary>
    public static string ApplyType(ServiceConfig current, ServiceFields fields, ref ServiceConfig next, Dictionary<string, string> errors)
    {
        if (!fields.Type.IsSet)
        {
            return next.Type;
        }

        var type = fields.Type.Value?.Trim().ToLowerInvariant();
        if (!MonitorTypes.IsKnown(type))
        {
            errors["type"] = "must be http, tcp or heartbeat";
            return next.Type;
        }

        if (type != current.Type)
        {
            next = ResetFor(next, type!);
        }

        return next.Type;
    }

    /// <summary>Errors for fields given a value that does not apply to <paramref name="type"/>.</summary>
    public static void RejectForeignFields(ServiceFields fields, string type, Dictionary<string, string> errors)
    {
        void Check<T>(Optional<T> field, string name, string[] types)
        {
            if (field is { IsSet: true, Value: not null } && !types.Contains(type))
            {
                errors[name] = name == "endpoint_url" && type == MonitorTypes.Heartbeat
                    ? "is not allowed for a heartbeat service: the job calls its ping_url instead"
                    : $"does not apply to {Article(type)} {type} service (only to {string.Join(" and ", types)})";
            }
        }

        Check(fields.EndpointUrl, "endpoint_url", Network);
        Check(fields.Method, "method", Http);
        Check(fields.ExpectedStatusCode, "expected_status_code", Http);
        Check(fields.RequestBody, "request_body", Http);
        Check(fields.RequestHeaders, "request_headers", Http);
        Check(fields.FollowRedirects, "follow_redirects", Http);
        Check(fields.Conditions, "conditions", Http);
        Check(fields.BasicAuthUsername, "basic_auth_username", Http);
        Check(fields.BasicAuthPassword, "basic_auth_password", Http);
        Check(fields.DegradedThresholdMs, "degraded_threshold_ms", Network);
        Check(fields.TlsVerify, "tls_verify", Network);
        Check(fields.TlsExpiryDays, "tls_expiry_days", Network);
        Check(fields.GraceSeconds, "grace_seconds", Heartbeat);
    }

    /// <summary>method, request_body, request_headers, follow_redirects and conditions of an http service.</summary>
    public static void ApplyHttp(ServiceFields fields, ref ServiceConfig next, Dictionary<string, string> errors)
    {
        if (fields.Method.IsSet)
        {
            var method = fields.Method.Value?.Trim().ToUpperInvariant();
            if (method is "GET" or "HEAD" or "POST")
            {
                next = next with { Method = method };
            }
            else
            {
                errors["method"] = "must be GET, HEAD or POST";
            }
        }

        if (fields.RequestBody.IsSet)
        {
            var body = fields.RequestBody.Value;
            if (body is not null && Encoding.UTF8.GetByteCount(body) > MaxRequestBodyBytes)
            {
                errors["request_body"] = $"must be at most {MaxRequestBodyBytes / 1024} KiB";
            }
            else if (body is not null && next.Method != "POST")
            {
                errors["request_body"] = "applies only when method is POST";
            }
            else
            {
                next = next with { RequestBody = body };
            }
        }
        else if (next.Method != "POST" && next.RequestBody is not null)
        {
            // The method moved away from POST: the body it carried goes with it.
            next = next with { RequestBody = null };
        }

        if (fields.RequestHeaders.IsSet)
        {
            var headers = fields.RequestHeaders.Value;
            if (headers is null || headers.Length == 0)
            {
                next = next with { RequestHeaders = null };
            }
            else if (HeaderProblem(headers) is { } problem)
            {
                errors["request_headers"] = problem;
            }
            else
            {
                next = next with { RequestHeaders = new HeaderList(headers) };
            }
        }

        if (Flag(fields.FollowRedirects, "follow_redirects", errors) is { } follow)
        {
            next = next with { FollowRedirects = follow };
        }

        if (fields.Conditions.IsSet)
        {
            var conditions = fields.Conditions.Value ?? [];
            if (conditions.Length > MaxConditions)
            {
                errors["conditions"] = $"must be at most {MaxConditions} conditions";
            }
            else if (ConditionsProblem(conditions) is { } problem)
            {
                errors["conditions"] = problem;
            }
            else
            {
                next = next with { Conditions = conditions.Select(c => c.Trim()).ToArray() };
            }
        }
    }

    /// <summary>tls_verify and tls_expiry_days of an http or tcp service.</summary>
    public static void ApplyTls(ServiceFields fields, ref ServiceConfig next, Dictionary<string, string> errors)
    {
        if (Flag(fields.TlsVerify, "tls_verify", errors) is { } verify)
        {
            next = next with { TlsVerify = verify };
        }

        if (fields.TlsExpiryDays.IsSet)
        {
            switch (fields.TlsExpiryDays.Value)
            {
                case null:
                    next = next with { TlsExpiryDays = null };
                    break;
                case >= 1 and <= 365 and var days:
                    next = next with { TlsExpiryDays = days };
                    break;
                default:
                    errors["tls_expiry_days"] = "must be null (never) or an integer from 1 to 365";
                    break;
            }
        }
    }

    /// <summary>grace_seconds of a heartbeat.</summary>
    public static void ApplyHeartbeat(ServiceFields fields, ref ServiceConfig next, Dictionary<string, string> errors)
    {
        if (!fields.GraceSeconds.IsSet)
        {
            return;
        }

        if (fields.GraceSeconds.Value is { } grace and >= 0 and <= MaxGraceSeconds)
        {
            next = next with { GraceSeconds = grace };
        }
        else
        {
            errors["grace_seconds"] = $"must be an integer from 0 to {MaxGraceSeconds}";
        }
    }

    /// <summary>The rules that involve two fields, checked on the result: no Authorization header beside Basic Auth.</summary>
    public static void CheckCombination(ServiceConfig next, ServiceFields fields, Dictionary<string, string> errors)
    {
        var passwordAfter = fields.BasicAuthPassword.IsSet ? fields.BasicAuthPassword.Value is not null : next.PasswordCiphertext is not null;
        if (next.IsHttp && (next.BasicAuthUsername is not null || passwordAfter) && next.RequestHeaders is { } headers
            && headers.Items.Any(h => string.Equals(h.Key, "Authorization", StringComparison.OrdinalIgnoreCase)))
        {
            errors.TryAdd("request_headers", "must not set Authorization when Basic Auth is set (basic_auth_username or basic_auth_password)");
        }
    }

    /// <summary>The config with every field that does not apply to <paramref name="type"/> at its default, and no endpoint_url.</summary>
    public static ServiceConfig ResetFor(ServiceConfig config, string type)
    {
        var defaults = new ServiceConfig { Id = config.Id, ClientId = config.ClientId, Name = config.Name, EndpointUrl = null };
        var next = config with { Type = type, EndpointUrl = null };
        if (type != MonitorTypes.Http)
        {
            next = next with
            {
                Method = defaults.Method,
                ExpectedStatusCode = defaults.ExpectedStatusCode,
                RequestBody = null,
                RequestHeaders = null,
                FollowRedirects = defaults.FollowRedirects,
                Conditions = [],
                BasicAuthUsername = null,
                PasswordCiphertext = null,
            };
        }

        if (type == MonitorTypes.Heartbeat)
        {
            next = next with { TlsVerify = defaults.TlsVerify, TlsExpiryDays = defaults.TlsExpiryDays, DegradedThresholdMs = null };
        }
        else
        {
            next = next with { GraceSeconds = defaults.GraceSeconds, PingTokenHash = null, PingTokenCiphertext = null };
            if (config.IsHeartbeat)
            {
                next = next with { DegradedThresholdMs = defaults.DegradedThresholdMs, TimeoutMs = Math.Min(next.TimeoutMs, 60_000) };
            }
        }

        return next;
    }

    private static string? HeaderProblem(KeyValuePair<string, string>[] headers)
    {
        if (headers.Length > MaxHeaders)
        {
            return $"must be at most {MaxHeaders} headers";
        }

        var bytes = 0;
        foreach (var (name, value) in headers)
        {
            if (name.Length == 0 || !name.All(IsTokenChar))
            {
                return $"has an invalid header name '{Clip(name)}' (letters, digits and !#$%&'*+-.^_`|~ only)";
            }

            if (ForbiddenHeaders.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                return $"must not set {name}: the check sets it";
            }

            if (value.Any(c => c is '\r' or '\n' || (char.IsControl(c) && c != '\t')))
            {
                return $"has a control character in the value of {Clip(name)}";
            }

            bytes += Encoding.UTF8.GetByteCount(name) + Encoding.UTF8.GetByteCount(value);
        }

        if (headers.Select(h => h.Key).Distinct(StringComparer.OrdinalIgnoreCase).Count() != headers.Length)
        {
            return "names a header twice (header names are case-insensitive)";
        }

        return bytes > MaxHeaderBytes ? $"must be at most {MaxHeaderBytes / 1024} KiB in all (names and values)" : null;
    }

    private static string? ConditionsProblem(string[] conditions)
    {
        for (var i = 0; i < conditions.Length; i++)
        {
            if (!ConditionParser.TryParse(conditions[i], out _, out var error))
            {
                return $"condition {i + 1} ({Clip(conditions[i])}) {error}";
            }
        }

        return null;
    }

    /// <summary>A boolean field given as true or false (null is an error: these fields have no "none"); null when not given or wrong.</summary>
    private static bool? Flag(Optional<bool?> field, string name, Dictionary<string, string> errors)
    {
        if (field.IsSet && field.Value is null)
        {
            errors[name] = "must be true or false";
        }

        return field.IsSet ? field.Value : null;
    }

    /// <summary>"an http", "a tcp", "a heartbeat".</summary>
    public static string Article(string type) => type == MonitorTypes.Http ? "an" : "a";

    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);

    private static string Clip(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
