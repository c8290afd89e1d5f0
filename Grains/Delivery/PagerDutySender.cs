using System.Text.Json;
using System.Text.Json.Nodes;
using Monitoring.Grains.Alerting;
using Monitoring.Grains.Interfaces.Json;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Grains.Delivery;

/// <summary>
/// <c>pagerduty</c>: an Events API v2 event (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/):
/// <c>trigger</c> when an incident opens, <c>resolve</c> when it resolves, both with the dedup key
/// <c>monitoring-incident-&lt;id&gt;</c>, so PagerDuty pairs them and drops repeats; severity <c>critical</c> for down,
/// <c>warning</c> for degraded. Reminders are not queued for PagerDuty (it re-notifies by itself).
/// </summary>
public sealed class PagerDutySender(HttpAttempt http, TimeProvider time) : IChannelSender
{
    public string Type => ChannelTypes.PagerDuty;

    public Task<AttemptResult> SendAsync(Notification notification, CancellationToken cancellationToken) =>
        http.PostJsonAsync(notification.Url!, Body(notification, time.GetUtcNow()), [], cancellationToken);

    /// <summary>The dedup key of an incident's events; a test has its own per delivery.</summary>
    public static string DedupKey(Notification n) => n.Incident is { } incident ? $"monitoring-incident-{incident.Id}" : $"monitoring-test-{n.Delivery.Id}";

    public static string Body(Notification n, DateTimeOffset now)
    {
        var details = new JsonObject();
        foreach (var (label, value) in NotificationText.Facts(n))
        {
            details[label.ToLowerInvariant().Replace(' ', '_')] = value;
        }

        var body = new JsonObject
        {
            ["routing_key"] = n.Secret,
            ["event_action"] = n.Event == "resolved" ? "resolve" : "trigger",
            ["dedup_key"] = DedupKey(n),
            ["payload"] = new JsonObject
            {
                ["summary"] = NotificationText.Clip($"{NotificationText.Subject(n)}: {NotificationText.Summary(n)}", 1024),
                ["source"] = n.Service?.EndpointUrl ?? "monitoring",
                ["severity"] = n.Event == "test" ? "info" : n.Incident?.Severity == HealthStatus.Degraded ? "warning" : "critical",
                ["timestamp"] = JsonSerializer.SerializeToNode(now, RecordJson.Options),
                ["custom_details"] = details,
            },
        };
        return body.ToJsonString();
    }

}
