using System.Reflection;
using Monitoring.Grains.Data;
using Monitoring.Grains.Services;

namespace Monitoring.UnitTests.Data;

/// <summary>The column list is the one place a stored field is named: every column has its property, and the SQL follows from it.</summary>
public sealed class ServiceColumnsTests
{
    [Fact]
    public void Every_column_fills_a_property_of_the_config()
    {
        var properties = typeof(ServiceConfig).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).ToHashSet();

        Assert.All(ServiceColumns.Written.Concat(ServiceColumns.Generated), column => Assert.Contains(ServiceColumns.Property(column), properties));
    }

    [Theory]
    [InlineData("client_id", "ClientId")]
    [InlineData("degraded_threshold_ms", "DegradedThresholdMs")]
    [InlineData("basic_auth_password", "PasswordCiphertext")]
    [InlineData("created_at", "CreatedAt")]
    public void A_column_fills_the_property_of_its_name_in_pascal_case_unless_renamed(string column, string property) =>
        Assert.Equal(property, ServiceColumns.Property(column));

    [Fact]
    public void Insert_update_and_select_name_every_column_with_its_property()
    {
        Assert.Equal(
            "INSERT INTO client_services (id, client_id, name, endpoint_url, method, expected_status_code, timeout_ms, degraded_threshold_ms, cron_schedule, cron_timezone, enabled, basic_auth_username, basic_auth_password, "
            + "alert_channel_ids, failure_threshold, success_threshold, alert_on, renotify_minutes, depends_on_service_id, "
            + "type, request_body, request_headers, follow_redirects, tls_verify, tls_expiry_days, conditions, grace_seconds, ping_token_hash, ping_token_ciphertext, public) "
            + "VALUES (@Id, @ClientId, @Name, @EndpointUrl, @Method, @ExpectedStatusCode, @TimeoutMs, @DegradedThresholdMs, @CronSchedule, @CronTimezone, @Enabled, @BasicAuthUsername, @PasswordCiphertext, "
            + "@AlertChannelIds, @FailureThreshold, @SuccessThreshold, @AlertOn, @RenotifyMinutes, @DependsOnServiceId, "
            + "@Type, @RequestBody, @RequestHeaders, @FollowRedirects, @TlsVerify, @TlsExpiryDays, @Conditions, @GraceSeconds, @PingTokenHash, @PingTokenCiphertext, @Public) "
            + "RETURNING created_at AS \"CreatedAt\", updated_at AS \"UpdatedAt\"",
            ServiceColumns.Insert);
        Assert.StartsWith("UPDATE client_services SET client_id = @ClientId, name = @Name,", ServiceColumns.Update);
        Assert.Contains("basic_auth_password = @PasswordCiphertext, ", ServiceColumns.Update);
        Assert.EndsWith("ping_token_ciphertext = @PingTokenCiphertext, public = @Public WHERE id = @Id RETURNING updated_at AS \"UpdatedAt\"", ServiceColumns.Update);
        Assert.Contains("s.basic_auth_password AS \"PasswordCiphertext\"", ServiceColumns.Select("s"));
        Assert.Contains("s.created_at AS \"CreatedAt\"", ServiceColumns.Select("s"));
    }
}
