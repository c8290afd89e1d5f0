using System.Text.Json;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Gateway.Api;

/// <summary>Binds create and patch bodies of clients and client-services.</summary>
public static class FieldsBinding
{
    internal static readonly string[] ClientReadOnly = ["id", "created_at", "updated_at"];

    internal static readonly string[] ServiceReadOnly =
    [
        "id", "has_basic_auth_password", "last_status", "last_checked_at", "next_check_at", "last_response_time_ms", "created_at", "updated_at",
        "ping_url", "tls_expires_at",
    ];

    internal static readonly string[] ChannelReadOnly =
    [
        "id", "has_secret", "last_delivery_at", "last_delivery_state", "last_error", "created_at", "updated_at",
    ];

    internal static readonly string[] WindowReadOnly = ["id", "active", "created_at", "updated_at"];

    /// <summary>An alert channel: <c>url</c> and <c>secret</c> travel as secrets (never printed).</summary>
    public static (AlertChannelFields Fields, IReadOnlyDictionary<string, string> Errors) Channel(JsonElement body)
    {
        var binder = new FieldBinder(body);
        var fields = new AlertChannelFields
        {
            ClientId = binder.Id("client_id"),
            Name = binder.Text("name"),
            Type = binder.Text("type"),
            Url = binder.Secret("url"),
            Secret = binder.Secret("secret"),
            EmailTo = binder.TextList("email_to"),
            Enabled = binder.Boolean("enabled"),
            SendResolved = binder.Boolean("send_resolved"),
        };
        binder.RejectUnknown(ChannelReadOnly);
        return (fields, binder.Errors);
    }

    public static (MaintenanceWindowFields Fields, IReadOnlyDictionary<string, string> Errors) Window(JsonElement body)
    {
        var binder = new FieldBinder(body);
        var fields = new MaintenanceWindowFields
        {
            ClientId = binder.Id("client_id"),
            Name = binder.Text("name"),
            ServiceIds = binder.IdList("service_ids"),
            StartsAt = binder.Time("starts_at"),
            EndsAt = binder.Time("ends_at"),
            CronSchedule = binder.Text("cron_schedule"),
            CronTimezone = binder.Text("cron_timezone"),
            DurationMinutes = binder.Integer("duration_minutes"),
        };
        binder.RejectUnknown(WindowReadOnly);
        return (fields, binder.Errors);
    }

    internal static readonly string[] PageReadOnly = ["id", "created_at", "updated_at"];

    public static (StatusPageFields Fields, IReadOnlyDictionary<string, string> Errors) StatusPage(JsonElement body)
    {
        var binder = new FieldBinder(body);
        var fields = new StatusPageFields
        {
            ClientId = binder.Id("client_id"),
            Slug = binder.Text("slug"),
            Title = binder.Text("title"),
            Description = binder.Text("description"),
            ServiceIds = binder.IdList("service_ids"),
            Public = binder.Boolean("public"),
        };
        binder.RejectUnknown(PageReadOnly);
        return (fields, binder.Errors);
    }

    /// <summary>An incident patch: only <c>acknowledged</c> (true or false); the record's own fields are ignored.</summary>
    public static (IncidentPatch Fields, IReadOnlyDictionary<string, string> Errors) Incident(JsonElement body)
    {
        var binder = new FieldBinder(body);
        var acknowledged = binder.Boolean("acknowledged");
        binder.RejectUnknown(IncidentReadOnly);
        var errors = new Dictionary<string, string>(binder.Errors);
        if (!acknowledged.IsSet || acknowledged.Value is null)
        {
            errors.TryAdd("acknowledged", "is required: true or false (it is the only field of an incident that can be changed)");
        }

        return (new IncidentPatch(acknowledged.Value ?? false), errors);
    }

    private static readonly string[] IncidentReadOnly =
    [
        "id", "service_id", "client_id", "status", "severity", "started_at", "confirmed_at", "resolved_at", "resolved_reason", "duration_ms",
        "first_error", "last_error", "bad_checks", "suppressed", "acknowledged_at", "created_at", "updated_at",
    ];

    public static (ClientFields Fields, IReadOnlyDictionary<string, string> Errors) Client(JsonElement body)
    {
        var binder = new FieldBinder(body);
        var fields = new ClientFields
        {
            Name = binder.Text("name"),
            Description = binder.Text("description"),
            ContactEmail = binder.Text("contact_email"),
        };
        binder.RejectUnknown(ClientReadOnly);
        return (fields, binder.Errors);
    }

    /// <summary>A create: client_id is required (it names the client grain that creates the service).</summary>
    public static (ServiceFields Fields, IReadOnlyDictionary<string, string> Errors) NewService(JsonElement body)
    {
        var (fields, errors) = Service(body);
        return fields.ClientId.IsSet || errors.ContainsKey("client_id")
            ? (fields, errors)
            : (fields, new Dictionary<string, string>(errors) { ["client_id"] = "is required" });
    }

    public static (ServiceFields Fields, IReadOnlyDictionary<string, string> Errors) Service(JsonElement body)
    {
        var binder = new FieldBinder(body);
        var fields = new ServiceFields
        {
            ClientId = binder.Id("client_id"),
            Name = binder.Text("name"),
            EndpointUrl = binder.Text("endpoint_url"),
            Method = binder.Text("method"),
            ExpectedStatusCode = binder.Integer("expected_status_code"),
            TimeoutMs = binder.Integer("timeout_ms"),
            DegradedThresholdMs = binder.Integer("degraded_threshold_ms"),
            CronSchedule = binder.Text("cron_schedule"),
            CronTimezone = binder.Text("cron_timezone"),
            Enabled = binder.Boolean("enabled"),
            BasicAuthUsername = binder.Text("basic_auth_username"),
            BasicAuthPassword = binder.Secret("basic_auth_password"),
            AlertChannelIds = binder.IdList("alert_channel_ids"),
            FailureThreshold = binder.Integer("failure_threshold"),
            SuccessThreshold = binder.Integer("success_threshold"),
            AlertOn = binder.Text("alert_on"),
            RenotifyMinutes = binder.Integer("renotify_minutes"),
            DependsOnServiceId = binder.Id("depends_on_service_id"),
            Type = binder.Text("type"),
            RequestBody = binder.Text("request_body"),
            RequestHeaders = binder.TextMap("request_headers"),
            FollowRedirects = binder.Boolean("follow_redirects"),
            TlsVerify = binder.Boolean("tls_verify"),
            TlsExpiryDays = binder.Integer("tls_expiry_days"),
            Conditions = binder.TextList("conditions"),
            GraceSeconds = binder.Integer("grace_seconds"),
            Public = binder.Boolean("public"),
        };
        binder.RejectUnknown(ServiceReadOnly);
        return (fields, binder.Errors);
    }
}

/// <summary>A PATCH of an incident: set or clear its acknowledgement.</summary>
public sealed record IncidentPatch(bool Acknowledged);
