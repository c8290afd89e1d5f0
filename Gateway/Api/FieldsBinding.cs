using System.Text.Json;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Gateway.Api;

/// <summary>Binds create and patch bodies of clients and client-services.</summary>
public static class FieldsBinding
{
    private static readonly string[] ClientReadOnly = ["id", "created_at", "updated_at"];

    private static readonly string[] ServiceReadOnly =
    [
        "id", "has_basic_auth_password", "last_status", "last_checked_at", "next_check_at", "last_response_time_ms", "created_at", "updated_at",
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
        };
        binder.RejectUnknown(ServiceReadOnly);
        return (fields, binder.Errors);
    }
}
