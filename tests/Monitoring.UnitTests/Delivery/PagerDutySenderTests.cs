using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Monitoring.Grains.Alerting;
using Monitoring.Grains.Delivery;

namespace Monitoring.UnitTests.Delivery;

/// <summary>
/// alerting.md, "What receivers get", <c>pagerduty</c>: an Events API v2 event <c>{"routing_key", "event_action":
/// "trigger" | "resolve", "dedup_key": "monitoring-incident-&lt;id&gt;", "payload": {"summary", "source",
/// "severity": "critical" | "warning", "timestamp", "custom_details"}}</c>, <c>critical</c> for down and
/// <c>warning</c> for degraded; the same dedup key on every attempt and for both events of one incident.
/// </summary>
public sealed class PagerDutySenderTests
{
    private readonly FakeTimeProvider time = new(Notifications.Now);

    [Theory]
    [InlineData("triggered", HealthStatus.Down, "trigger", "critical")]
    [InlineData("triggered", HealthStatus.Degraded, "trigger", "warning")]
    [InlineData("resolved", HealthStatus.Down, "resolve", "critical")]
    [InlineData("resolved", HealthStatus.Degraded, "resolve", "warning")]
    public void An_incident_event_follows_events_api_v2(string @event, HealthStatus severity, string action, string pagerDutySeverity)
    {
        var body = Parse(Notifications.Of(@event, ChannelTypes.PagerDuty, severity));

        Assert.Equal(new[] { "routing_key", "event_action", "dedup_key", "payload" }, body.Select(p => p.Key));
        Assert.Equal(Notifications.RoutingKey, (string?)body["routing_key"]);
        Assert.Equal(action, (string?)body["event_action"]);
        Assert.Equal("monitoring-incident-314", (string?)body["dedup_key"]);
        var payload = body["payload"]!.AsObject();
        Assert.Equal(new[] { "summary", "source", "severity", "timestamp", "custom_details" }, payload.Select(p => p.Key));
        Assert.Equal(pagerDutySeverity, (string?)payload["severity"]);
        Assert.Equal("2026-11-29T12:04:15.123Z", (string?)payload["timestamp"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)payload["source"]));
        Assert.IsType<JsonObject>(payload["custom_details"]);
    }

    [Fact]
    public void Trigger_and_resolve_of_one_incident_share_the_dedup_key_on_every_attempt()
    {
        var trigger = Parse(Notifications.Of("triggered", ChannelTypes.PagerDuty, deliveryId: 100));
        time.Advance(TimeSpan.FromMinutes(10));
        var retry = Parse(Notifications.Of("triggered", ChannelTypes.PagerDuty, deliveryId: 100));
        var resolve = Parse(Notifications.Of("resolved", ChannelTypes.PagerDuty, deliveryId: 101));

        Assert.Equal("monitoring-incident-314", (string?)trigger["dedup_key"]);
        Assert.Equal((string?)trigger["dedup_key"], (string?)retry["dedup_key"]);
        Assert.Equal((string?)trigger["dedup_key"], (string?)resolve["dedup_key"]);
    }

    [Theory]
    [InlineData("triggered", HealthStatus.Down)]
    [InlineData("triggered", HealthStatus.Degraded)]
    [InlineData("resolved", HealthStatus.Down)]
    public void The_summary_names_the_facts(string @event, HealthStatus severity)
    {
        var payload = Parse(Notifications.Of(@event, ChannelTypes.PagerDuty, severity))["payload"]!;

        var summary = (string)payload["summary"]!;

        Assert.InRange(summary.Length, 1, 1024);
        Notifications.AssertNamesTheFacts(summary, @event, severity);
    }

    [Theory]
    [InlineData("triggered", HealthStatus.Down)]
    [InlineData("resolved", HealthStatus.Down)]
    public void The_custom_details_carry_the_facts(string @event, HealthStatus severity)
    {
        var details = Parse(Notifications.Of(@event, ChannelTypes.PagerDuty, severity))["payload"]!["custom_details"]!.AsObject();

        Assert.Equal(Notifications.ClientName, (string?)details["client"]);
        Assert.Equal(Notifications.ServiceName, (string?)details["service"]);
        Assert.Equal(Notifications.ServiceUrl, (string?)details["url"]);
        Assert.Equal(Notifications.StatusWord(@event, severity), (string?)details["status"]);
        Assert.Equal(Notifications.LastError, (string?)details["error"]);
        Notifications.AssertNamesTheFacts(string.Join("\n", details.Select(d => (string?)d.Value)), @event, severity);
    }

    [Fact]
    public void The_source_is_the_services_url()
    {
        Assert.Equal(Notifications.ServiceUrl, (string?)Parse(Notifications.Of("triggered", ChannelTypes.PagerDuty))["payload"]!["source"]);
    }

    [Fact]
    public void A_test_triggers_with_a_dedup_key_of_its_own_delivery()
    {
        var body = Parse(Notifications.Of("test", ChannelTypes.PagerDuty, deliveryId: 77));

        Assert.Equal("trigger", (string?)body["event_action"]);
        Assert.Equal(Notifications.RoutingKey, (string?)body["routing_key"]);
        Assert.DoesNotContain("monitoring-incident-", (string?)body["dedup_key"], StringComparison.Ordinal);
        Assert.Contains("77", (string?)body["dedup_key"], StringComparison.Ordinal);
    }

    private JsonObject Parse(Notification notice) => JsonNode.Parse(PagerDutySender.Body(notice, time.GetUtcNow()))!.AsObject();
}
