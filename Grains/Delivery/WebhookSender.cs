using System.Text.Json;
using System.Text.Json.Nodes;
using Monitoring.Grains.Alerting;
using Monitoring.Grains.Interfaces.Json;

namespace Monitoring.Grains.Delivery;

/// <summary>
/// <c>webhook</c>: a JSON POST signed by Standard Webhooks: <c>webhook-id</c> (the delivery's, the same on every
/// attempt), <c>webhook-timestamp</c> (Unix seconds) and <c>webhook-signature</c>. The body's <c>data</c> holds
/// the incident, service, client and latest status as REST returns them.
/// </summary>
public sealed class WebhookSender(HttpAttempt http, TimeProvider time) : IChannelSender
{
    public string Type => ChannelTypes.Webhook;

    public Task<AttemptResult> SendAsync(Notification notification, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var body = Body(notification, now);
        var timestamp = now.ToUnixTimeSeconds();
        var id = notification.Delivery.Identity;
        var headers = new Dictionary<string, string>
        {
            ["webhook-id"] = id,
            ["webhook-timestamp"] = timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["webhook-signature"] = WebhookSignature.Sign(notification.Secret!, id, timestamp, body),
        };
        return http.PostJsonAsync(notification.Url!, body, headers, cancellationToken);
    }

    /// <summary>The JSON body: <c>{"type", "timestamp", "data": {"incident", "service", "client", "status"}}</c>.</summary>
    public static string Body(Notification notification, DateTimeOffset now)
    {
        var body = new JsonObject
        {
            ["type"] = notification.Event == "test" ? "test" : $"incident.{notification.Event}",
            ["timestamp"] = JsonSerializer.SerializeToNode(now, RecordJson.Options),
            ["data"] = new JsonObject
            {
                ["incident"] = JsonSerializer.SerializeToNode(notification.Incident, RecordJson.Options),
                ["service"] = JsonSerializer.SerializeToNode(notification.Service, RecordJson.Options),
                ["client"] = JsonSerializer.SerializeToNode(notification.Client, RecordJson.Options),
                ["status"] = JsonSerializer.SerializeToNode(notification.Status, RecordJson.Options),
            },
        };
        return body.ToJsonString();
    }
}
