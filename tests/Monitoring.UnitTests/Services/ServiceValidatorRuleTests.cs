using Monitoring.Grains.Checking;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Services;

namespace Monitoring.UnitTests.Services;

public sealed class ServiceValidatorRuleTests
{
    private static readonly ServiceConfig Current = new()
    {
        Id = 5,
        ClientId = 3,
        Name = "api",
        EndpointUrl = "https://api.example.com/health",
        Method = "HEAD",
        ExpectedStatusCode = 204,
        TimeoutMs = 3000,
        DegradedThresholdMs = 800,
        CronSchedule = "*/10 * * * *",
        CronTimezone = "Europe/Berlin",
        Enabled = false,
        BasicAuthUsername = "monitor",
        PasswordCiphertext = "v1:abcd:xyz",
        CreatedAt = Times.At("2026-01-01T00:00:00Z"),
        UpdatedAt = Times.At("2026-02-01T00:00:00Z"),
    };

    public static TheoryData<string, ServiceFields, string> Refused()
    {
        const string Url = "must be an absolute http:// or https:// URL";
        const string Cron = "expected a cron expression of 5 fields, or 6 with seconds first";
        const string Credentials = "must not contain credentials (user:password@); send them as basic_auth_username and basic_auth_password";
        const string MovedOrigin = "is required when endpoint_url moves to another origin (scheme, host or port): send the password again, or null to remove it";
        return new TheoryData<string, ServiceFields, string>
        {
            { "name", new ServiceFields { Name = string.Empty }, "must be a non-empty string" },
            { "name", new ServiceFields { Name = "   " }, "must be a non-empty string" },
            { "name", new ServiceFields { Name = (string?)null }, "must be a non-empty string" },
            { "name", new ServiceFields { Name = new string('n', 201) }, "must be at most 200 characters" },
            { "endpoint_url", new ServiceFields { EndpointUrl = string.Empty }, Url },
            { "endpoint_url", new ServiceFields { EndpointUrl = (string?)null }, Url },
            { "endpoint_url", new ServiceFields { EndpointUrl = "ftp://example.com/" }, Url },
            { "endpoint_url", new ServiceFields { EndpointUrl = "file:///etc/passwd" }, Url },
            { "endpoint_url", new ServiceFields { EndpointUrl = "example.com/health" }, Url },
            { "endpoint_url", new ServiceFields { EndpointUrl = "/health" }, Url },
            { "endpoint_url", new ServiceFields { EndpointUrl = "http://" }, Url },
            { "endpoint_url", new ServiceFields { EndpointUrl = "mailto:ops@example.com" }, Url },
            { "endpoint_url", new ServiceFields { EndpointUrl = "https://example.com/" + new string('a', 2029) }, "must be at most 2048 characters" },
            { "method", new ServiceFields { Method = "PUT" }, "must be GET, HEAD or POST" },
            { "method", new ServiceFields { Method = string.Empty }, "must be GET, HEAD or POST" },
            { "method", new ServiceFields { Method = (string?)null }, "must be GET, HEAD or POST" },
            { "expected_status_code", new ServiceFields { ExpectedStatusCode = 99 }, "must be an integer from 100 to 599" },
            { "expected_status_code", new ServiceFields { ExpectedStatusCode = 600 }, "must be an integer from 100 to 599" },
            { "expected_status_code", new ServiceFields { ExpectedStatusCode = (int?)null }, "must be an integer from 100 to 599" },
            { "timeout_ms", new ServiceFields { TimeoutMs = 99 }, "must be an integer from 100 to 60000" },
            { "timeout_ms", new ServiceFields { TimeoutMs = 60_001 }, "must be an integer from 100 to 60000" },
            { "timeout_ms", new ServiceFields { TimeoutMs = (int?)null }, "must be an integer from 100 to 60000" },
            { "degraded_threshold_ms", new ServiceFields { DegradedThresholdMs = 0 }, "must be null or an integer from 1 to 3600000" },
            { "degraded_threshold_ms", new ServiceFields { DegradedThresholdMs = -1 }, "must be null or an integer from 1 to 3600000" },
            { "degraded_threshold_ms", new ServiceFields { DegradedThresholdMs = 3_600_001 }, "must be null or an integer from 1 to 3600000" },
            { "cron_timezone", new ServiceFields { CronTimezone = "Mars/Base" }, "unknown time zone 'Mars/Base' (use an IANA name such as UTC or Europe/Berlin)" },
            { "cron_timezone", new ServiceFields { CronTimezone = "W. Europe Standard Time" }, "unknown time zone 'W. Europe Standard Time' (use an IANA name such as UTC or Europe/Berlin)" },
            { "cron_timezone", new ServiceFields { CronTimezone = string.Empty }, "unknown time zone '' (use an IANA name such as UTC or Europe/Berlin)" },
            { "cron_timezone", new ServiceFields { CronTimezone = (string?)null }, "unknown time zone '' (use an IANA name such as UTC or Europe/Berlin)" },
            { "cron_schedule", new ServiceFields { CronSchedule = string.Empty }, Cron },
            { "cron_schedule", new ServiceFields { CronSchedule = "   " }, Cron },
            { "cron_schedule", new ServiceFields { CronSchedule = (string?)null }, Cron },
            { "cron_schedule", new ServiceFields { CronSchedule = "* * * * " + new string('*', 193) }, Cron },
            { "cron_schedule", new ServiceFields { CronSchedule = "* * * *" }, "expected 5 fields, or 6 with seconds first, but got 4" },
            { "cron_schedule", new ServiceFields { CronSchedule = "* * * * * * *" }, "expected 5 fields, or 6 with seconds first, but got 7" },
            { "cron_schedule", new ServiceFields { CronSchedule = "* * 32 * *" }, "The given cron expression has an invalid format. Days of month: Value must be a number between 1 and 31 (all inclusive)." },
            { "cron_schedule", new ServiceFields { CronSchedule = "H * * * *" }, "hashed 'H' fields are not supported; give a number instead" },
            { "cron_schedule", new ServiceFields { CronSchedule = "0 0 30 2 *" }, "never fires (no date matches it)" },
            { "cron_schedule", new ServiceFields { CronSchedule = "0 0 31 4,6,9,11 *" }, "never fires (no date matches it)" },
            { "cron_timezone", new ServiceFields { CronTimezone = "America" }, "unknown time zone 'America' (use an IANA name such as UTC or Europe/Berlin)" },
            { "cron_timezone", new ServiceFields { CronTimezone = "Europe/" }, "unknown time zone 'Europe/' (use an IANA name such as UTC or Europe/Berlin)" },
            { "endpoint_url", new ServiceFields { EndpointUrl = "https://user:pw@[::1]:8443/health" }, Credentials },
            { "endpoint_url", new ServiceFields { EndpointUrl = "http://user@example.com/health" }, Credentials },
            { "endpoint_url", new ServiceFields { EndpointUrl = "http://:secret@example.com/health" }, Credentials },
            { "endpoint_url", new ServiceFields { EndpointUrl = "https://api.example.com:pass@evil.example/health" }, Credentials },
            { "basic_auth_password", new ServiceFields { EndpointUrl = "https://evil.example.net/health" }, MovedOrigin },
            { "basic_auth_password", new ServiceFields { EndpointUrl = "http://api.example.com/health" }, MovedOrigin },
            { "basic_auth_password", new ServiceFields { EndpointUrl = "https://api.example.com:8443/health" }, MovedOrigin },
            { "basic_auth_password", new ServiceFields { EndpointUrl = "https://api.example.com.evil.example/health" }, MovedOrigin },
            { "enabled", new ServiceFields { Enabled = (bool?)null }, "must be true or false" },
            { "basic_auth_username", new ServiceFields { BasicAuthUsername = new string('u', 201) }, "must be at most 200 characters" },
            { "basic_auth_username", new ServiceFields { BasicAuthUsername = "user:name" }, "must not contain ':' (Basic Auth separates user and password with it)" },
            { "basic_auth_password", new ServiceFields { BasicAuthPassword = new Secret(new string('p', 1025)) }, "must be at most 1024 characters" },
        };
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void Refuses_a_value_against_the_rules_naming_the_field(string field, ServiceFields fields, string reason)
    {
        var valid = ServiceValidator.TryApply(Current, fields, creating: false, out _, out var failure);

        Assert.False(valid);
        Assert.Equal(FailureKind.BadRequest, failure!.Kind);
        Assert.Equal(new Dictionary<string, string> { [field] = reason }, failure.Errors);
        var expectedMessage = reason.StartsWith("must ", StringComparison.Ordinal) || reason.StartsWith("is ", StringComparison.Ordinal) ? $"{field} {reason}" : $"Invalid {field}: {reason}";
        Assert.Equal(expectedMessage, failure.Message);
    }

    public static TheoryData<ServiceFields, ServiceConfig> Accepted() => new()
    {
        { new ServiceFields { Name = new string('n', 200) }, Current with { Name = new string('n', 200) } },
        { new ServiceFields { Name = " x " }, Current with { Name = "x" } },
        { new ServiceFields { EndpointUrl = "HTTP://Example.COM:8080/a?b=c#d", BasicAuthPassword = new Secret("again") }, Current with { EndpointUrl = "HTTP://Example.COM:8080/a?b=c#d" } },
        { new ServiceFields { EndpointUrl = "https://[::1]:8443/health", BasicAuthPassword = (Secret?)null }, Current with { EndpointUrl = "https://[::1]:8443/health" } },
        { new ServiceFields { EndpointUrl = "https://example.com/" + new string('a', 2028), BasicAuthPassword = new Secret("again") }, Current with { EndpointUrl = "https://example.com/" + new string('a', 2028) } },
        // The same origin keeps the stored password: another path, query, letter case of the host, or the default port written out.
        { new ServiceFields { EndpointUrl = "https://api.example.com/v2/health?deep=1" }, Current with { EndpointUrl = "https://api.example.com/v2/health?deep=1" } },
        { new ServiceFields { EndpointUrl = "https://API.Example.com:443/health" }, Current with { EndpointUrl = "https://API.Example.com:443/health" } },
        { new ServiceFields { EndpointUrl = "http://169.254.169.254/latest/meta-data/", BasicAuthPassword = (Secret?)null }, Current with { EndpointUrl = "http://169.254.169.254/latest/meta-data/" } },
        { new ServiceFields { CronSchedule = "0 0 1-7 * 1" }, Current with { CronSchedule = "0 0 1-7 * 1" } },
        { new ServiceFields { CronSchedule = "0 0 1 6 *" }, Current with { CronSchedule = "0 0 1 6 *" } },
        { new ServiceFields { CronSchedule = "0 0 29 2 *" }, Current with { CronSchedule = "0 0 29 2 *" } },
        { new ServiceFields { CronSchedule = "0\t0 * * *" }, Current with { CronSchedule = "0 0 * * *" } },
        { new ServiceFields { Method = "get" }, Current with { Method = "GET" } },
        { new ServiceFields { Method = " Head " }, Current with { Method = "HEAD" } },
        { new ServiceFields { ExpectedStatusCode = 100 }, Current with { ExpectedStatusCode = 100 } },
        { new ServiceFields { ExpectedStatusCode = 599 }, Current with { ExpectedStatusCode = 599 } },
        { new ServiceFields { TimeoutMs = 100 }, Current with { TimeoutMs = 100 } },
        { new ServiceFields { TimeoutMs = 60_000 }, Current with { TimeoutMs = 60_000 } },
        { new ServiceFields { DegradedThresholdMs = 1 }, Current with { DegradedThresholdMs = 1 } },
        { new ServiceFields { DegradedThresholdMs = 3_600_000 }, Current with { DegradedThresholdMs = 3_600_000 } },
        { new ServiceFields { DegradedThresholdMs = (int?)null }, Current with { DegradedThresholdMs = null } },
        { new ServiceFields { CronTimezone = "UTC" }, Current with { CronTimezone = "UTC" } },
        { new ServiceFields { CronTimezone = "Etc/UTC" }, Current with { CronTimezone = "Etc/UTC" } },
        { new ServiceFields { CronTimezone = " America/New_York " }, Current with { CronTimezone = "America/New_York" } },
        { new ServiceFields { CronSchedule = "  0   9 * * 1-5 " }, Current with { CronSchedule = "0 9 * * 1-5" } },
        { new ServiceFields { CronSchedule = "*/30 * * * * *" }, Current with { CronSchedule = "*/30 * * * * *" } },
        { new ServiceFields { Enabled = true }, Current with { Enabled = true } },
        { new ServiceFields { BasicAuthUsername = (string?)null }, Current with { BasicAuthUsername = null } },
        { new ServiceFields { BasicAuthUsername = new string('u', 200) }, Current with { BasicAuthUsername = new string('u', 200) } },
        { new ServiceFields { BasicAuthPassword = new Secret(new string('p', 1024)) }, Current },
        { new ServiceFields { BasicAuthPassword = (Secret?)null }, Current },
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public void Accepts_a_value_within_the_rules(ServiceFields fields, ServiceConfig expected)
    {
        var valid = ServiceValidator.TryApply(Current, fields, creating: false, out var result, out var failure);

        Assert.True(valid);
        Assert.Null(failure);
        Assert.Equal(expected, result);
    }

    [Fact]
    public void An_empty_patch_keeps_everything()
    {
        var valid = ServiceValidator.TryApply(Current, new ServiceFields(), creating: false, out var result, out var failure);

        Assert.True(valid);
        Assert.Null(failure);
        Assert.Equal(Current, result);
    }

    [Fact]
    public void A_patch_changes_only_the_fields_it_sets()
    {
        var fields = new ServiceFields { TimeoutMs = 9000, Enabled = true };

        ServiceValidator.TryApply(Current, fields, creating: false, out var result, out _);

        Assert.Equal(Current with { TimeoutMs = 9000, Enabled = true }, result);
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/", "169.254.0.0/16")]
    [InlineData("http://[fd00:ec2::254]/latest/meta-data/", "fd00:ec2::254/128")]
    [InlineData("http://[::ffff:169.254.169.254]/", "169.254.0.0/16")]
    [InlineData("http://[fe80::1]:8080/", "fe80::/10")]
    [InlineData("http://100.100.100.200/latest/meta-data/", "100.100.100.200/32")]
    [InlineData("http://2852039166/", "169.254.0.0/16")]
    [InlineData("http://0xA9FEA9FE/", "169.254.0.0/16")]
    public void A_literal_address_of_a_denied_network_is_refused(string url, string network)
    {
        var denied = DeniedNetworks.Parse(DeniedNetworks.Default);

        var valid = ServiceValidator.TryApply(Current, new ServiceFields { EndpointUrl = url, BasicAuthPassword = (Secret?)null }, creating: false, out _, out var failure, denied);

        Assert.False(valid);
        Assert.Equal(["endpoint_url"], failure!.Errors!.Keys);
        Assert.EndsWith($"checks may not connect to the network {network}", failure.Errors["endpoint_url"]);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/health")]
    [InlineData("http://[::1]/health")]
    [InlineData("http://10.0.0.5/health")]
    [InlineData("http://metadata.example.com/health")]
    public void Other_addresses_and_names_pass_the_deny_list(string url)
    {
        var denied = DeniedNetworks.Parse(DeniedNetworks.Default);

        Assert.True(ServiceValidator.TryApply(Current, new ServiceFields { EndpointUrl = url, BasicAuthPassword = (Secret?)null }, creating: false, out _, out var failure, denied), failure?.Message);
    }
}
