using System.Text.Json;
using System.Text.Json.Nodes;
using Monitoring.Grains.Alerting;
using Monitoring.Grains.Interfaces.Json;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Grains.Delivery;

/// <summary><c>discord</c>: a webhook message, <c>{"content", "embeds": [{"title", "description", "color", "timestamp"}]}</c>.</summary>
public sealed class DiscordSender(HttpAttempt http, TimeProvider time) : IChannelSender
{
    public string Type => ChannelTypes.Discord;

    public Task<AttemptResult> SendAsync(Notification notification, CancellationToken cancellationToken) =>
        http.PostJsonAsync(notification.Url!, Body(notification, time.GetUtcNow()), [], cancellationToken);

    public static string Body(Notification n, DateTimeOffset now)
    {
        var description = NotificationText.Summary(n) + "\n\n" + string.Join("\n", NotificationText.Facts(n).Select(f => $"**{f.Label}:** {f.Value}"));
        var body = new JsonObject
        {
            ["content"] = NotificationText.Clip(NotificationText.Subject(n), 2000),
            ["embeds"] = new JsonArray
            {
                new JsonObject
                {
                    ["title"] = NotificationText.Clip(NotificationText.Subject(n), 256),
                    ["description"] = description.Length <= 4000 ? description : description[..3999] + "…",
                    ["color"] = Color(n),
                    ["timestamp"] = JsonSerializer.SerializeToNode(now, RecordJson.Options),
                },
            },
        };
        return body.ToJsonString();
    }


    /// <summary>Red for down, amber for degraded, green for resolved, blue for tests and reminders (as 0xRRGGBB integers).</summary>
    private static int Color(Notification n) => n.Event switch
    {
        "resolved" => 0x2EB67D,
        "test" or "reminder" => 0x36C5F0,
        _ => n.Incident?.Severity == HealthStatus.Degraded ? 0xECB22E : 0xE01E5A,
    };
}
