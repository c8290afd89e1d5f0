using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Monitoring.Grains.Alerting;
using Monitoring.Grains.Delivery;

namespace Monitoring.UnitTests.Delivery;

/// <summary>
/// alerting.md, "What receivers get", <c>discord</c>: <c>{"content", "embeds": [{"title", "description", "color",
/// "timestamp"}]}</c>, the message naming the client, the service, its URL, the status and the error, and for a
/// resolved incident how long it lasted.
/// </summary>
public sealed class DiscordSenderTests
{
    private readonly FakeTimeProvider time = new(Notifications.Now);

    [Theory]
    [InlineData("triggered")]
    [InlineData("resolved")]
    [InlineData("reminder")]
    [InlineData("test")]
    public void The_message_has_content_and_one_embed(string @event)
    {
        var body = Parse(Notifications.Of(@event, ChannelTypes.Discord));

        Assert.Equal(new[] { "content", "embeds" }, body.Select(p => p.Key));
        Assert.False(string.IsNullOrWhiteSpace((string?)body["content"]));
        var embed = Assert.Single(body["embeds"]!.AsArray())!.AsObject();
        Assert.Equal(new[] { "title", "description", "color", "timestamp" }, embed.Select(p => p.Key));
        Assert.False(string.IsNullOrWhiteSpace((string?)embed["title"]));
        Assert.False(string.IsNullOrWhiteSpace((string?)embed["description"]));
        Assert.InRange((int)embed["color"]!, 0, 0xFFFFFF);
        Assert.Equal("2026-11-29T12:04:15.123Z", (string?)embed["timestamp"]);
    }

    [Theory]
    [InlineData("triggered", HealthStatus.Down)]
    [InlineData("triggered", HealthStatus.Degraded)]
    [InlineData("resolved", HealthStatus.Down)]
    [InlineData("reminder", HealthStatus.Down)]
    public void The_message_names_the_facts(string @event, HealthStatus severity)
    {
        var body = Parse(Notifications.Of(@event, ChannelTypes.Discord, severity));
        var embed = body["embeds"]![0]!;

        Notifications.AssertNamesTheFacts($"{body["content"]}\n{embed["title"]}\n{embed["description"]}", @event, severity);
        Notifications.AssertNamesTheFacts((string)embed["description"]!, @event, severity);
    }

    [Theory]
    [InlineData("triggered", HealthStatus.Down, "[DOWN] Checkout API — Acme Corp")]
    [InlineData("triggered", HealthStatus.Degraded, "[DEGRADED] Checkout API — Acme Corp")]
    [InlineData("resolved", HealthStatus.Down, "[RESOLVED] Checkout API — Acme Corp")]
    [InlineData("reminder", HealthStatus.Down, "[REMINDER] Checkout API — Acme Corp")]
    public void The_content_and_the_title_are_the_subject(string @event, HealthStatus severity, string subject)
    {
        var body = Parse(Notifications.Of(@event, ChannelTypes.Discord, severity));

        Assert.Equal(subject, (string?)body["content"]);
        Assert.Equal(subject, (string?)body["embeds"]![0]!["title"]);
    }

    [Fact]
    public void Down_degraded_and_resolved_have_different_colors()
    {
        var down = Color(Notifications.Of("triggered", ChannelTypes.Discord, HealthStatus.Down));
        var degraded = Color(Notifications.Of("triggered", ChannelTypes.Discord, HealthStatus.Degraded));
        var resolved = Color(Notifications.Of("resolved", ChannelTypes.Discord, HealthStatus.Down));

        Assert.Equal(3, new[] { down, degraded, resolved }.Distinct().Count());
    }

    private int Color(Notification notice) => (int)Parse(notice)["embeds"]![0]!["color"]!;

    private JsonObject Parse(Notification notice) => JsonNode.Parse(DiscordSender.Body(notice, time.GetUtcNow()))!.AsObject();
}
