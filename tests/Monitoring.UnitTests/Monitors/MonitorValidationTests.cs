using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Monitors;
using Monitoring.Grains.Services;

namespace Monitoring.UnitTests.Monitors;

/// <summary>Per-type validation (monitors.md): which fields apply to http, tcp and heartbeat, and the rules of each.</summary>
public sealed class MonitorValidationTests
{
    private static readonly ServiceConfig Blank = new() { Id = 9, ClientId = 1, Name = string.Empty, EndpointUrl = string.Empty };

    private static (bool Ok, ServiceConfig Result, IReadOnlyDictionary<string, string> Errors) Create(ServiceFields fields)
    {
        var ok = ServiceValidator.TryApply(Blank, fields with { Name = "job" }, creating: true, out var result, out var failure);
        return (ok, result, failure?.Errors ?? new Dictionary<string, string>());
    }

    private static (bool Ok, ServiceConfig Result, IReadOnlyDictionary<string, string> Errors) Patch(ServiceConfig current, ServiceFields fields)
    {
        var ok = ServiceValidator.TryApply(current, fields, creating: false, out var result, out var failure);
        return (ok, result, failure?.Errors ?? new Dictionary<string, string>());
    }

    public static TheoryData<string, ServiceFields, string, string> ForeignFields() => new()
    {
        { "heartbeat", new ServiceFields { EndpointUrl = "http://127.0.0.1/" }, "endpoint_url", "is not allowed for a heartbeat service: the job calls its ping_url instead" },
        { "heartbeat", new ServiceFields { Method = "GET" }, "method", "does not apply to a heartbeat service (only to http)" },
        { "heartbeat", new ServiceFields { ExpectedStatusCode = 200 }, "expected_status_code", "does not apply to a heartbeat service (only to http)" },
        { "heartbeat", new ServiceFields { TlsVerify = true }, "tls_verify", "does not apply to a heartbeat service (only to http and tcp)" },
        { "heartbeat", new ServiceFields { TlsExpiryDays = 14 }, "tls_expiry_days", "does not apply to a heartbeat service (only to http and tcp)" },
        { "heartbeat", new ServiceFields { DegradedThresholdMs = 100 }, "degraded_threshold_ms", "does not apply to a heartbeat service (only to http and tcp)" },
        { "heartbeat", new ServiceFields { Conditions = new[] { "[STATUS] == 200" } }, "conditions", "does not apply to a heartbeat service (only to http)" },
        { "heartbeat", new ServiceFields { BasicAuthUsername = "u" }, "basic_auth_username", "does not apply to a heartbeat service (only to http)" },
        { "heartbeat", new ServiceFields { BasicAuthPassword = new Secret("p") }, "basic_auth_password", "does not apply to a heartbeat service (only to http)" },
        { "tcp", new ServiceFields { EndpointUrl = "tcp://127.0.0.1:5432", Method = "POST" }, "method", "does not apply to a tcp service (only to http)" },
        { "tcp", new ServiceFields { EndpointUrl = "tcp://127.0.0.1:5432", RequestBody = "x" }, "request_body", "does not apply to a tcp service (only to http)" },
        { "tcp", new ServiceFields { EndpointUrl = "tcp://127.0.0.1:5432", RequestHeaders = new[] { KeyValuePair.Create("X-A", "1") } }, "request_headers", "does not apply to a tcp service (only to http)" },
        { "tcp", new ServiceFields { EndpointUrl = "tcp://127.0.0.1:5432", FollowRedirects = true }, "follow_redirects", "does not apply to a tcp service (only to http)" },
        { "tcp", new ServiceFields { EndpointUrl = "tcp://127.0.0.1:5432", GraceSeconds = 60 }, "grace_seconds", "does not apply to a tcp service (only to heartbeat)" },
        { "http", new ServiceFields { EndpointUrl = "http://127.0.0.1/", GraceSeconds = 60 }, "grace_seconds", "does not apply to an http service (only to heartbeat)" },
    };

    [Theory]
    [MemberData(nameof(ForeignFields))]
    public void A_field_with_a_value_that_does_not_apply_to_the_type_is_refused_by_name(string type, ServiceFields fields, string field, string message)
    {
        var (ok, _, errors) = Create(fields with { Type = type });

        Assert.False(ok);
        Assert.Equal(message, errors[field]);
    }

    [Fact]
    public void A_field_that_does_not_apply_may_be_sent_as_null_as_a_dashboard_sends_back_a_record()
    {
        var (ok, result, errors) = Create(new ServiceFields
        {
            Type = "heartbeat", EndpointUrl = (string?)null, Method = (string?)null, ExpectedStatusCode = (int?)null, TlsVerify = (bool?)null,
            Conditions = (string[]?)null, DegradedThresholdMs = (int?)null,
        });

        Assert.True(ok, string.Join("; ", errors));
        Assert.Null(result.EndpointUrl);
        Assert.Equal("heartbeat", result.Type);
    }

    [Fact]
    public void A_heartbeat_takes_grace_seconds_and_a_long_timeout_and_needs_no_endpoint()
    {
        var (ok, result, errors) = Create(new ServiceFields { Type = "heartbeat", GraceSeconds = 86_400, TimeoutMs = 3_600_000, CronSchedule = "0 3 * * *" });

        Assert.True(ok, string.Join("; ", errors));
        Assert.Equal(86_400, result.GraceSeconds);
        Assert.Equal(3_600_000, result.TimeoutMs);
        Assert.Null(result.ToRecord(ServiceRuntime.Empty).EndpointUrl);
        Assert.Null(result.ToRecord(ServiceRuntime.Empty).Method);
        Assert.Equal(86_400, result.ToRecord(ServiceRuntime.Empty).GraceSeconds);
    }

    [Theory]
    [InlineData("grace_seconds", -1)]
    [InlineData("grace_seconds", 86_401)]
    [InlineData("timeout_ms", 86_400_001)]
    public void A_heartbeat_refuses_out_of_range_grace_and_timeout(string field, int value)
    {
        var fields = new ServiceFields { Type = "heartbeat" };
        fields = field == "grace_seconds" ? fields with { GraceSeconds = value } : fields with { TimeoutMs = value };

        Assert.True(Create(fields).Errors.ContainsKey(field));
    }

    // The URL's own rules are TcpUrlParsingTests'; these are the ones validation adds.
    public static TheoryData<string, string?> TcpEndpoints() => new()
    {
        { "tcp://127.0.0.1:5432", null },
        { "tls://db.example.com:443", null },
        { "tcp://[::1]:6379", null },
        { "tcp://127.0.0.1", "must be tcp://host:port or tls://host:port: the port is missing" },
        { "http://127.0.0.1:80", "must be tcp://host:port or tls://host:port" },
        { "tcp://169.254.169.254:80", "must not target 169.254.169.254: checks may not connect to the network 169.254.0.0/16" },
        { "tls://[fe80::1]:443", "must not target fe80::1: checks may not connect to the network fe80::/10" },
    };

    [Theory]
    [MemberData(nameof(TcpEndpoints))]
    public void A_tcp_service_takes_tcp_and_tls_endpoints_with_a_port(string url, string? error)
    {
        var ok = ServiceValidator.TryApply(Blank, new ServiceFields { Name = "db", Type = "tcp", EndpointUrl = url }, creating: true, out _, out var failure,
            Grains.Checking.DeniedNetworks.Parse(Grains.Checking.DeniedNetworks.Default));

        Assert.Equal(error is null, ok);
        if (error is not null)
        {
            Assert.Equal(error, failure!.Errors!["endpoint_url"]);
        }
    }

    [Fact]
    public void An_http_service_may_post_a_body_with_headers_conditions_and_redirects()
    {
        var (ok, result, errors) = Create(new ServiceFields
        {
            EndpointUrl = "https://127.0.0.1/graphql",
            Method = "post",
            RequestBody = "{\"query\":\"{ health }\"}",
            RequestHeaders = new[] { KeyValuePair.Create("Content-Type", "application/json"), KeyValuePair.Create("X-Api-Key", "k") },
            FollowRedirects = true,
            TlsVerify = false,
            TlsExpiryDays = (int?)null,
            Conditions = new[] { "[STATUS] == 200", " [BODY].data.health == ok " },
        });

        Assert.True(ok, string.Join("; ", errors));
        Assert.Equal("POST", result.Method);
        Assert.Equal(["Content-Type", "X-Api-Key"], result.RequestHeaders!.Items.Select(h => h.Key).ToArray());
        Assert.True(result.FollowRedirects);
        Assert.False(result.TlsVerify);
        Assert.Null(result.TlsExpiryDays);
        Assert.Equal(["[STATUS] == 200", "[BODY].data.health == ok"], result.Conditions);
    }

    public static TheoryData<ServiceFields, string, string> HttpRefusals() => new()
    {
        { new ServiceFields { Method = "PUT" }, "method", "must be GET, HEAD or POST" },
        { new ServiceFields { RequestBody = "x" }, "request_body", "applies only when method is POST" },
        { new ServiceFields { Method = "POST", RequestBody = new string('x', 64 * 1024 + 1) }, "request_body", "must be at most 64 KiB" },
        { new ServiceFields { RequestHeaders = Headers(21) }, "request_headers", "must be at most 20 headers" },
        { new ServiceFields { RequestHeaders = new[] { KeyValuePair.Create("X-Big", new string('v', 8 * 1024)) } }, "request_headers", "must be at most 8 KiB in all (names and values)" },
        { new ServiceFields { RequestHeaders = new[] { KeyValuePair.Create("Host", "evil") } }, "request_headers", "must not set Host: the check sets it" },
        { new ServiceFields { RequestHeaders = new[] { KeyValuePair.Create("content-length", "5") } }, "request_headers", "must not set content-length: the check sets it" },
        { new ServiceFields { RequestHeaders = new[] { KeyValuePair.Create("Bad Name", "v") } }, "request_headers", "has an invalid header name 'Bad Name' (letters, digits and !#$%&'*+-.^_`|~ only)" },
        { new ServiceFields { RequestHeaders = new[] { KeyValuePair.Create("X-A", "a\r\nInjected: 1") } }, "request_headers", "has a control character in the value of X-A" },
        { new ServiceFields { RequestHeaders = new[] { KeyValuePair.Create("X-A", "1"), KeyValuePair.Create("x-a", "2") } }, "request_headers", "names a header twice (header names are case-insensitive)" },
        { new ServiceFields { BasicAuthUsername = "u", RequestHeaders = new[] { KeyValuePair.Create("Authorization", "Bearer t") } }, "request_headers", "must not set Authorization when Basic Auth is set (basic_auth_username or basic_auth_password)" },
        { new ServiceFields { TlsExpiryDays = 0 }, "tls_expiry_days", "must be null (never) or an integer from 1 to 365" },
        { new ServiceFields { TlsExpiryDays = 366 }, "tls_expiry_days", "must be null (never) or an integer from 1 to 365" },
        { new ServiceFields { Conditions = Enumerable.Repeat("[STATUS] == 200", 21).ToArray() }, "conditions", "must be at most 20 conditions" },
        { new ServiceFields { Conditions = new[] { "[STATUS] == 200", "[STATUS] =! 200" } }, "conditions", "condition 2 ([STATUS] =! 200) " },
        { new ServiceFields { Type = "ftp" }, "type", "must be http, tcp or heartbeat" },
    };

    [Theory]
    [MemberData(nameof(HttpRefusals))]
    public void An_http_service_refuses_what_the_contract_does_not_allow(ServiceFields fields, string field, string message)
    {
        var (ok, _, errors) = Create(fields with { EndpointUrl = fields.EndpointUrl.IsSet ? fields.EndpointUrl : "http://127.0.0.1/" });

        Assert.False(ok);
        Assert.StartsWith(message, errors[field], StringComparison.Ordinal);
    }

    [Fact]
    public void A_condition_error_says_where_it_went_wrong()
    {
        var (_, _, errors) = Create(new ServiceFields { EndpointUrl = "http://127.0.0.1/", Conditions = new[] { "[STATUS] == " } });

        Assert.Contains("condition 1 ([STATUS] == )", errors["conditions"], StringComparison.Ordinal);
        Assert.Matches("character [0-9]+", errors["conditions"]);
    }

    [Fact]
    public void Changing_the_type_resets_what_no_longer_applies_and_asks_for_the_endpoint_again()
    {
        var http = Create(new ServiceFields
        {
            EndpointUrl = "http://127.0.0.1/", Method = "POST", RequestBody = "b", Conditions = new[] { "[STATUS] == 200" }, BasicAuthUsername = "u",
        }).Result;

        var (ok, _, errors) = Patch(http, new ServiceFields { Type = "tcp" });
        Assert.False(ok);
        Assert.Equal("is required for a tcp service", errors["endpoint_url"]);

        var (tcpOk, tcp, tcpErrors) = Patch(http, new ServiceFields { Type = "tcp", EndpointUrl = "tcp://127.0.0.1:22" });
        Assert.True(tcpOk, string.Join("; ", tcpErrors));
        Assert.Equal("GET", tcp.Method);
        Assert.Null(tcp.RequestBody);
        Assert.Empty(tcp.Conditions);
        Assert.Null(tcp.BasicAuthUsername);

        var (beatOk, beat, beatErrors) = Patch(tcp, new ServiceFields { Type = "heartbeat" });
        Assert.True(beatOk, string.Join("; ", beatErrors));
        Assert.Null(beat.EndpointUrl);

        var (backOk, _, backErrors) = Patch(beat, new ServiceFields { Type = "http" });
        Assert.False(backOk);
        Assert.Equal("is required for an http service", backErrors["endpoint_url"]);
    }

    [Fact]
    public void A_method_that_leaves_POST_drops_the_body_it_carried()
    {
        var post = Create(new ServiceFields { EndpointUrl = "http://127.0.0.1/", Method = "POST", RequestBody = "b" }).Result;

        var (ok, get, _) = Patch(post, new ServiceFields { Method = "GET" });

        Assert.True(ok);
        Assert.Null(get.RequestBody);
    }

    private static KeyValuePair<string, string>[] Headers(int count) =>
        Enumerable.Range(0, count).Select(i => KeyValuePair.Create($"X-H{i}", "v")).ToArray();
}
