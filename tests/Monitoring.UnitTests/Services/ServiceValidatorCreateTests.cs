using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Services;

namespace Monitoring.UnitTests.Services;

public sealed class ServiceValidatorCreateTests
{
    // What the grain starts a create from.
    private static readonly ServiceConfig Blank = new() { Id = 5, ClientId = 3, Name = string.Empty, EndpointUrl = string.Empty };

    [Fact]
    public void A_create_with_name_and_url_gets_the_contract_defaults()
    {
        var fields = new ServiceFields { Name = "  Billing API  ", EndpointUrl = " https://billing.example.com/health " };

        var valid = ServiceValidator.TryApply(Blank, fields, creating: true, out var result, out var failure);

        Assert.True(valid);
        Assert.Null(failure);
        Assert.Equal(
            new ServiceConfig
            {
                Id = 5,
                ClientId = 3,
                Name = "Billing API",
                EndpointUrl = "https://billing.example.com/health",
                Method = "GET",
                ExpectedStatusCode = 200,
                TimeoutMs = 5000,
                DegradedThresholdMs = 2000,
                CronSchedule = "*/5 * * * *",
                CronTimezone = "UTC",
                Enabled = true,
                BasicAuthUsername = null,
                PasswordCiphertext = null,
            },
            result);
    }

    [Fact]
    public void A_create_without_name_and_url_names_both_as_required()
    {
        var valid = ServiceValidator.TryApply(Blank, new ServiceFields(), creating: true, out _, out var failure);

        Assert.False(valid);
        Assert.Equal(FailureKind.BadRequest, failure!.Kind);
        Assert.Equal("name is required; endpoint_url is required", failure.Message);
        Assert.Equal(new Dictionary<string, string> { ["name"] = "is required", ["endpoint_url"] = "is required" }, failure.Errors);
    }

    [Fact]
    public void A_create_with_every_field_set_takes_them_all()
    {
        var fields = new ServiceFields
        {
            Name = "api",
            EndpointUrl = "http://10.0.0.1:8080/healthz",
            Method = "head",
            ExpectedStatusCode = 204,
            TimeoutMs = 100,
            DegradedThresholdMs = (int?)null,
            CronSchedule = "0  */2 * * * *",
            CronTimezone = "Europe/Berlin",
            Enabled = false,
            BasicAuthUsername = "monitor",
            BasicAuthPassword = new Secret("pw"),
        };

        var valid = ServiceValidator.TryApply(Blank, fields, creating: true, out var result, out _);

        Assert.True(valid);
        Assert.Equal(
            Blank with
            {
                Name = "api",
                EndpointUrl = "http://10.0.0.1:8080/healthz",
                Method = "HEAD",
                ExpectedStatusCode = 204,
                TimeoutMs = 100,
                DegradedThresholdMs = null,
                CronSchedule = "0 */2 * * * *",
                CronTimezone = "Europe/Berlin",
                Enabled = false,
                BasicAuthUsername = "monitor",
            },
            result);
    }

    [Fact]
    public void Every_problem_is_named_in_one_failure()
    {
        var fields = new ServiceFields
        {
            Name = " ",
            EndpointUrl = "ftp://example.com",
            Method = "PUT",
            ExpectedStatusCode = 99,
            TimeoutMs = 60_001,
            DegradedThresholdMs = 0,
            CronSchedule = "61 * * * *",
            CronTimezone = "Mars/Base",
            Enabled = (bool?)null,
            BasicAuthUsername = "a:b",
            BasicAuthPassword = new Secret(new string('p', 1025)),
        };

        ServiceValidator.TryApply(Blank, fields, creating: true, out _, out var failure);

        Assert.Equal(
            [
                "name", "endpoint_url", "method", "expected_status_code", "timeout_ms", "degraded_threshold_ms",
                "cron_timezone", "cron_schedule", "enabled", "basic_auth_username", "basic_auth_password",
            ],
            failure!.Errors!.Keys);
        Assert.StartsWith("name must be a non-empty string; endpoint_url must be an absolute http:// or https:// URL; method must be GET, HEAD or POST; ", failure.Message);
        Assert.Contains("; Invalid cron_timezone: unknown time zone 'Mars/Base' (use an IANA name such as UTC or Europe/Berlin); ", failure.Message);
        Assert.Contains("; Invalid cron_schedule: The given cron expression has an invalid format. Minutes: Value must be a number between 0 and 59 (all inclusive).; ", failure.Message);
        Assert.EndsWith("; basic_auth_password must be at most 1024 characters", failure.Message);
    }
}
