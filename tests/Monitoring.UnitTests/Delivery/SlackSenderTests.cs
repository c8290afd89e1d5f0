using System.Text.Json.Nodes;
using Monitoring.Grains.Alerting;
using Monitoring.Grains.Delivery;

namespace Monitoring.UnitTests.Delivery;

/// <summary>
/// alerting.md, "What receivers get", <c>slack</c>: an incoming-webhook message <c>{"text", "blocks": […]}</c>
/// whose text names the client, the service, its URL, the status and the error, and for a resolved incident
/// how long it lasted.
/// </summary>
public sealed class SlackSenderTests
{
    [Theory]
    [InlineData("triggered")]
    [InlineData("resolved")]
    [InlineData("reminder")]
    [InlineData("test")]
    public void The_message_has_a_text_and_blocks(string @event)
    {
        var body = Parse(Notifications.Of(@event, ChannelTypes.Slack));

        Assert.Equal(new[] { "text", "blocks" }, body.Select(p => p.Key));
        Assert.False(string.IsNullOrWhiteSpace((string?)body["text"]));
        var blocks = body["blocks"]!.AsArray();
        Assert.NotEmpty(blocks);
        Assert.All(blocks, b => Assert.False(string.IsNullOrEmpty((string?)b!["type"])));
    }

    [Theory]
    [InlineData("triggered", HealthStatus.Down)]
    [InlineData("triggered", HealthStatus.Degraded)]
    [InlineData("resolved", HealthStatus.Down)]
    [InlineData("reminder", HealthStatus.Down)]
    public void The_text_names_the_facts(string @event, HealthStatus severity)
    {
        var body = Parse(Notifications.Of(@event, ChannelTypes.Slack, severity));

        Notifications.AssertNamesTheFacts((string)body["text"]!, @event, severity);
    }

    [Theory]
    [InlineData("triggered", HealthStatus.Down)]
    [InlineData("resolved", HealthStatus.Down)]
    [InlineData("reminder", HealthStatus.Degraded)]
    public void The_blocks_name_the_facts(string @event, HealthStatus severity)
    {
        var body = Parse(Notifications.Of(@event, ChannelTypes.Slack, severity));

        Notifications.AssertNamesTheFacts(BlockTexts(body["blocks"]!.AsArray()), @event, severity);
    }

    [Theory]
    [InlineData("triggered", HealthStatus.Down, "[DOWN] Checkout API — Acme Corp")]
    [InlineData("triggered", HealthStatus.Degraded, "[DEGRADED] Checkout API — Acme Corp")]
    [InlineData("resolved", HealthStatus.Down, "[RESOLVED] Checkout API — Acme Corp")]
    public void The_header_is_the_subject(string @event, HealthStatus severity, string subject)
    {
        var header = Parse(Notifications.Of(@event, ChannelTypes.Slack, severity))["blocks"]![0]!;

        Assert.Equal("header", (string?)header["type"]);
        Assert.Equal(subject, (string?)header["text"]!["text"]);
        Assert.StartsWith(subject, (string?)Parse(Notifications.Of(@event, ChannelTypes.Slack, severity))["text"], StringComparison.Ordinal);
    }

    [Fact]
    public void A_test_message_names_the_channel_and_the_client()
    {
        var text = (string)Parse(Notifications.Of("test", ChannelTypes.Slack))["text"]!;

        Assert.StartsWith("[TEST] ", text, StringComparison.Ordinal);
        Assert.Contains(Notifications.ChannelName, text, StringComparison.Ordinal);
        Assert.Contains(Notifications.ClientName, text, StringComparison.Ordinal);
    }

    private static JsonObject Parse(Notification notice) => JsonNode.Parse(SlackSender.Body(notice))!.AsObject();

    /// <summary>Every text of the blocks: header, section text and field texts.</summary>
    private static string BlockTexts(JsonArray blocks) => string.Join("\n", blocks.SelectMany(b => new[] { (string?)b!["text"]?["text"] }
        .Concat(b["fields"]?.AsArray().Select(f => (string?)f!["text"]) ?? Enumerable.Empty<string?>())
        .OfType<string>()));
}
