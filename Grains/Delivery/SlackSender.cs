using System.Text.Json.Nodes;
using Monitoring.Grains.Alerting;

namespace Monitoring.Grains.Delivery;

/// <summary><c>slack</c>: an incoming-webhook message, <c>{"text", "blocks"}</c> (a header, the summary, the facts as fields).</summary>
public sealed class SlackSender(HttpAttempt http) : IChannelSender
{
    public string Type => ChannelTypes.Slack;

    public Task<AttemptResult> SendAsync(Notification notification, CancellationToken cancellationToken) =>
        http.PostJsonAsync(notification.Url!, Body(notification), [], cancellationToken);

    public static string Body(Notification n)
    {
        var fields = new JsonArray();
        foreach (var (label, value) in NotificationText.Facts(n).Take(10))
        {
            fields.Add(new JsonObject { ["type"] = "mrkdwn", ["text"] = NotificationText.Clip($"*{label}*\n{Escape(value)}", 2000) });
        }

        var body = new JsonObject
        {
            ["text"] = $"{NotificationText.Subject(n)}: {NotificationText.Summary(n)}",
            ["blocks"] = new JsonArray
            {
                new JsonObject { ["type"] = "header", ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = NotificationText.Clip(NotificationText.Subject(n), 150) } },
                new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = NotificationText.Clip(Escape(NotificationText.Summary(n)), 3000) } },
                new JsonObject { ["type"] = "section", ["fields"] = fields },
            },
        };
        return body.ToJsonString();
    }

    /// <summary>Slack's mrkdwn escapes: &amp;, &lt; and &gt;.</summary>
    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

}
