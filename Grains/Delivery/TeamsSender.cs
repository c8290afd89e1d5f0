using System.Text.Json.Nodes;
using Monitoring.Grains.Alerting;

namespace Monitoring.Grains.Delivery;

/// <summary>
/// <c>teams</c>: a message for a Teams Workflows webhook, one Adaptive Card 1.4 attachment
/// (<c>{"type": "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "content": …}]}</c>).
/// </summary>
public sealed class TeamsSender(HttpAttempt http) : IChannelSender
{
    public string Type => ChannelTypes.Teams;

    public Task<AttemptResult> SendAsync(Notification notification, CancellationToken cancellationToken) =>
        http.PostJsonAsync(notification.Url!, Body(notification), [], cancellationToken);

    public static string Body(Notification n)
    {
        var facts = new JsonArray();
        foreach (var (label, value) in NotificationText.Facts(n))
        {
            facts.Add(new JsonObject { ["title"] = label, ["value"] = value });
        }

        var card = new JsonObject
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = "1.4",
            ["body"] = new JsonArray
            {
                new JsonObject { ["type"] = "TextBlock", ["text"] = NotificationText.Subject(n), ["weight"] = "Bolder", ["size"] = "Medium", ["wrap"] = true },
                new JsonObject { ["type"] = "TextBlock", ["text"] = NotificationText.Summary(n), ["wrap"] = true },
                new JsonObject { ["type"] = "FactSet", ["facts"] = facts },
            },
        };
        var body = new JsonObject
        {
            ["type"] = "message",
            ["attachments"] = new JsonArray
            {
                new JsonObject { ["contentType"] = "application/vnd.microsoft.card.adaptive", ["contentUrl"] = null, ["content"] = card },
            },
        };
        return body.ToJsonString();
    }
}
