using System.Text.Json.Nodes;
using Monitoring.Grains.Alerting;
using Monitoring.Grains.Delivery;

namespace Monitoring.UnitTests.Delivery;

/// <summary>
/// alerting.md, "What receivers get", <c>teams</c>: a Workflows message <c>{"type": "message", "attachments":
/// [{"contentType": "application/vnd.microsoft.card.adaptive", "content": {"type": "AdaptiveCard", "version":
/// "1.4", "body": […]}}]}</c> whose card names the client, the service, its URL, the status and the error, and
/// for a resolved incident how long it lasted.
/// </summary>
public sealed class TeamsSenderTests
{
    [Theory]
    [InlineData("triggered")]
    [InlineData("resolved")]
    [InlineData("reminder")]
    [InlineData("test")]
    public void The_message_carries_one_adaptive_card_1_4(string @event)
    {
        var body = Parse(Notifications.Of(@event, ChannelTypes.Teams));

        Assert.Equal("message", (string?)body["type"]);
        var attachment = Assert.Single(body["attachments"]!.AsArray())!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)attachment["contentType"]);
        var card = attachment["content"]!;
        Assert.Equal("AdaptiveCard", (string?)card["type"]);
        Assert.Equal("1.4", (string?)card["version"]);
        var elements = card["body"]!.AsArray();
        Assert.NotEmpty(elements);
        Assert.All(elements, e => Assert.False(string.IsNullOrEmpty((string?)e!["type"])));
    }

    [Theory]
    [InlineData("triggered", HealthStatus.Down)]
    [InlineData("triggered", HealthStatus.Degraded)]
    [InlineData("resolved", HealthStatus.Down)]
    [InlineData("reminder", HealthStatus.Down)]
    public void The_card_names_the_facts(string @event, HealthStatus severity)
    {
        var card = Parse(Notifications.Of(@event, ChannelTypes.Teams, severity))["attachments"]![0]!["content"]!;

        Notifications.AssertNamesTheFacts(CardText(card["body"]!.AsArray()), @event, severity);
    }

    [Theory]
    [InlineData("triggered", HealthStatus.Down, "[DOWN] Checkout API — Acme Corp")]
    [InlineData("resolved", HealthStatus.Degraded, "[RESOLVED] Checkout API — Acme Corp")]
    public void The_first_text_block_is_the_subject(string @event, HealthStatus severity, string subject)
    {
        var first = Parse(Notifications.Of(@event, ChannelTypes.Teams, severity))["attachments"]![0]!["content"]!["body"]![0]!;

        Assert.Equal("TextBlock", (string?)first["type"]);
        Assert.Equal(subject, (string?)first["text"]);
    }

    private static JsonObject Parse(Notification notice) => JsonNode.Parse(TeamsSender.Body(notice))!.AsObject();

    /// <summary>The text of every TextBlock and every fact of every FactSet.</summary>
    private static string CardText(JsonArray elements) => string.Join("\n", elements.SelectMany(e => (string?)e!["type"] switch
    {
        "TextBlock" => new[] { (string?)e["text"] ?? string.Empty },
        "FactSet" => e["facts"]!.AsArray().Select(f => $"{f!["title"]}: {f["value"]}"),
        _ => Enumerable.Empty<string>(),
    }));
}
