using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Monitoring.Gateway.Json;
using Monitoring.Grains.Alerting;
using Monitoring.Grains.Delivery;

namespace Monitoring.UnitTests.Delivery;

/// <summary>
/// alerting.md, "What receivers get", <c>webhook</c>: the body is <c>{"type": "incident.triggered" |
/// "incident.resolved" | "incident.reminder" | "test", "timestamp", "data": {"incident", "service", "client",
/// "status"}}</c>, the records exactly as REST returns them (snake_case, UTC times with milliseconds), and
/// <c>incident</c>, <c>service</c> and <c>status</c> null for a test.
/// </summary>
public sealed class WebhookSenderTests
{
    private readonly FakeTimeProvider time = new(Notifications.Now);

    [Theory]
    [InlineData("triggered", "incident.triggered")]
    [InlineData("resolved", "incident.resolved")]
    [InlineData("reminder", "incident.reminder")]
    [InlineData("test", "test")]
    public void The_body_has_the_type_the_timestamp_and_the_four_records(string @event, string type)
    {
        var body = Parse(Notifications.Of(@event, ChannelTypes.Webhook));

        Assert.Equal(new[] { "type", "timestamp", "data" }, body.Select(p => p.Key));
        Assert.Equal(type, (string?)body["type"]);
        Assert.Equal("2026-11-29T12:04:15.123Z", (string?)body["timestamp"]);
        Assert.Equal(new[] { "incident", "service", "client", "status" }.Order(), body["data"]!.AsObject().Select(p => p.Key).Order());
    }

    [Theory]
    [InlineData("triggered")]
    [InlineData("resolved")]
    [InlineData("reminder")]
    public void The_records_are_written_as_rest_returns_them(string @event)
    {
        var notice = Notifications.Of(@event, ChannelTypes.Webhook);

        var data = Parse(notice)["data"]!;

        AssertSameJson(JsonSerializer.SerializeToNode(notice.Incident!, ApiJson.Context.IncidentRecord), data["incident"]);
        AssertSameJson(JsonSerializer.SerializeToNode(notice.Service!, ApiJson.Context.ServiceRecord), data["service"]);
        AssertSameJson(JsonSerializer.SerializeToNode(notice.Client!, ApiJson.Context.ClientRecord), data["client"]);
        AssertSameJson(JsonSerializer.SerializeToNode(notice.Status!, ApiJson.Context.StatusRecord), data["status"]);
    }

    [Fact]
    public void The_records_use_snake_case_fields_and_contract_times()
    {
        var data = Parse(Notifications.Of("resolved", ChannelTypes.Webhook))["data"]!;

        Assert.Equal(Notifications.ServiceUrl, (string?)data["service"]!["endpoint_url"]);
        Assert.Equal(Notifications.ServiceId, (long?)data["service"]!["id"]);
        Assert.Equal(Notifications.ClientId, (long?)data["service"]!["client_id"]);
        Assert.Equal(4, (int?)data["incident"]!["bad_checks"]);
        Assert.Equal("resolved", (string?)data["incident"]!["status"]);
        Assert.Equal("down", (string?)data["incident"]!["severity"]);
        Assert.Equal("2026-11-29T12:00:00.000Z", (string?)data["incident"]!["started_at"]);
        Assert.Equal("2026-11-29T12:04:12.000Z", (string?)data["incident"]!["resolved_at"]);
        Assert.Equal(252_000L, (long?)data["incident"]!["duration_ms"]);
        Assert.Equal("recovered", (string?)data["incident"]!["resolved_reason"]);
        Assert.Equal(Notifications.LastError, (string?)data["incident"]!["last_error"]);
        Assert.Equal(Notifications.FirstError, (string?)data["incident"]!["first_error"]);
        Assert.Equal(Notifications.ClientName, (string?)data["client"]!["name"]);
        Assert.Equal("up", (string?)data["status"]!["status"]);
        Assert.False((bool)data["status"]!["in_maintenance"]!);
        Assert.Null(data["service"]!["endpointUrl"]);
        Assert.Null(data["incident"]!["BadChecks"]);
    }

    [Fact]
    public void A_status_record_carries_its_details_as_an_object()
    {
        var data = Parse(Notifications.Of("triggered", ChannelTypes.Webhook))["data"]!;

        Assert.Equal("maintenance page", (string?)data["status"]!["details"]!["body"]);
        Assert.Equal(Notifications.LastError, (string?)data["status"]!["error"]);
        Assert.Equal(503, (int?)data["status"]!["status_code"]);
    }

    [Fact]
    public void A_test_carries_the_client_and_nulls_for_the_rest()
    {
        var data = Parse(Notifications.Of("test", ChannelTypes.Webhook))["data"]!.AsObject();

        Assert.True(data.ContainsKey("incident") && data.ContainsKey("service") && data.ContainsKey("status"));
        Assert.Null(data["incident"]);
        Assert.Null(data["service"]);
        Assert.Null(data["status"]);
        Assert.Equal(Notifications.ClientName, (string?)data["client"]!["name"]);
    }

    [Fact]
    public void The_timestamp_is_the_attempts_time()
    {
        var notice = Notifications.Of("triggered", ChannelTypes.Webhook);
        var first = Parse(notice);

        time.Advance(TimeSpan.FromSeconds(30));
        var second = Parse(notice);

        Assert.Equal("2026-11-29T12:04:45.123Z", (string?)second["timestamp"]);
        Assert.Equal(first["data"]!.ToJsonString(), second["data"]!.ToJsonString());
    }

    private JsonObject Parse(Notification notice)
    {
        var text = WebhookSender.Body(notice, time.GetUtcNow());
        return JsonNode.Parse(text)!.AsObject();
    }

    private static void AssertSameJson(JsonNode? expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(expected, actual), $"expected {expected?.ToJsonString()}\n but got {actual?.ToJsonString()}");
}
