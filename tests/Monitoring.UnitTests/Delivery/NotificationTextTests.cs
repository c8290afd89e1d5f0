using Monitoring.Grains.Alerting;
using Monitoring.Grains.Delivery;

namespace Monitoring.UnitTests.Delivery;

/// <summary>
/// alerting.md, "What receivers get": the words every channel shares. Each text names the client, the service,
/// its URL, the status and the error, a resolved one says how long the incident lasted (<c>down for 4m 12s</c>),
/// and the subject is <c>[DOWN] &lt;service&gt; — &lt;client&gt;</c> (<c>[DEGRADED]</c>, <c>[RESOLVED]</c>,
/// <c>[REMINDER]</c>, <c>[TEST]</c>).
/// </summary>
public sealed class NotificationTextTests
{
    [Theory]
    [InlineData("triggered", HealthStatus.Down, "[DOWN] Checkout API — Acme Corp")]
    [InlineData("triggered", HealthStatus.Degraded, "[DEGRADED] Checkout API — Acme Corp")]
    [InlineData("resolved", HealthStatus.Down, "[RESOLVED] Checkout API — Acme Corp")]
    [InlineData("resolved", HealthStatus.Degraded, "[RESOLVED] Checkout API — Acme Corp")]
    [InlineData("reminder", HealthStatus.Down, "[REMINDER] Checkout API — Acme Corp")]
    [InlineData("reminder", HealthStatus.Degraded, "[REMINDER] Checkout API — Acme Corp")]
    public void The_subject_tags_the_event_and_names_the_service_and_the_client(string @event, HealthStatus severity, string subject)
    {
        Assert.Equal(subject, NotificationText.Subject(Notifications.Of(@event, ChannelTypes.Email, severity)));
    }

    [Fact]
    public void A_test_subject_is_tagged_test_and_names_the_channel_and_the_client()
    {
        var subject = NotificationText.Subject(Notifications.Of("test", ChannelTypes.Email));

        Assert.StartsWith("[TEST] ", subject, StringComparison.Ordinal);
        Assert.Contains(Notifications.ChannelName, subject, StringComparison.Ordinal);
        Assert.Contains(Notifications.ClientName, subject, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("triggered", HealthStatus.Down)]
    [InlineData("triggered", HealthStatus.Degraded)]
    [InlineData("resolved", HealthStatus.Down)]
    [InlineData("resolved", HealthStatus.Degraded)]
    [InlineData("reminder", HealthStatus.Down)]
    [InlineData("reminder", HealthStatus.Degraded)]
    public void The_summary_names_the_facts(string @event, HealthStatus severity)
    {
        Notifications.AssertNamesTheFacts(NotificationText.Summary(Notifications.Of(@event, ChannelTypes.Slack, severity)), @event, severity);
    }

    [Theory]
    [InlineData("triggered", HealthStatus.Down)]
    [InlineData("triggered", HealthStatus.Degraded)]
    [InlineData("resolved", HealthStatus.Down)]
    [InlineData("reminder", HealthStatus.Down)]
    public void The_plain_text_names_the_facts(string @event, HealthStatus severity)
    {
        Notifications.AssertNamesTheFacts(NotificationText.PlainText(Notifications.Of(@event, ChannelTypes.Email, severity)), @event, severity);
    }

    [Theory]
    [InlineData("triggered", HealthStatus.Down, "down")]
    [InlineData("triggered", HealthStatus.Degraded, "degraded")]
    [InlineData("reminder", HealthStatus.Down, "down")]
    [InlineData("resolved", HealthStatus.Down, "up")]
    public void The_facts_carry_the_client_service_url_status_and_error(string @event, HealthStatus severity, string status)
    {
        var facts = NotificationText.Facts(Notifications.Of(@event, ChannelTypes.Teams, severity)).ToDictionary(f => f.Label, f => f.Value);

        Assert.Equal(Notifications.ClientName, facts["Client"]);
        Assert.Equal(Notifications.ServiceName, facts["Service"]);
        Assert.Equal(Notifications.ServiceUrl, facts["URL"]);
        Assert.Equal(status, facts["Status"]);
        Assert.Equal(Notifications.LastError, facts["Error"]);
        Assert.Equal("#314", facts["Incident"]);
    }

    [Theory]
    [InlineData(HealthStatus.Down, "down for 4m 12s")]
    [InlineData(HealthStatus.Degraded, "degraded for 4m 12s")]
    public void A_resolved_notice_says_how_long_the_incident_lasted(HealthStatus severity, string lasted)
    {
        var notice = Notifications.Of("resolved", ChannelTypes.Slack, severity);

        Assert.Equal("4m 12s", NotificationText.Lasted(notice));
        Assert.Contains(lasted, NotificationText.Summary(notice), StringComparison.Ordinal);
        Assert.Contains(NotificationText.Facts(notice), f => f.Value == lasted);
    }

    [Fact]
    public void The_plain_text_is_the_summary_then_one_fact_a_line()
    {
        var notice = Notifications.Of("triggered", ChannelTypes.Email);

        var lines = NotificationText.PlainText(notice).Split('\n');

        Assert.Equal(NotificationText.Summary(notice), lines[0]);
        Assert.Equal(string.Empty, lines[1]);
        Assert.Equal(NotificationText.Facts(notice).Select(f => $"{f.Label}: {f.Value}"), lines[2..^1]);
        Assert.Equal(string.Empty, lines[^1]);
    }

    [Fact]
    public void A_test_notice_names_the_channel_and_the_client()
    {
        var notice = Notifications.Of("test", ChannelTypes.Slack);

        var summary = NotificationText.Summary(notice);
        var facts = NotificationText.Facts(notice).ToDictionary(f => f.Label, f => f.Value);

        Assert.Contains(Notifications.ChannelName, summary, StringComparison.Ordinal);
        Assert.Contains(Notifications.ClientName, summary, StringComparison.Ordinal);
        Assert.Equal(Notifications.ClientName, facts["Client"]);
        Assert.Contains(Notifications.ChannelName, facts["Channel"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("triggered", "[DOWN]")]
    [InlineData("resolved", "[RESOLVED]")]
    [InlineData("reminder", "[REMINDER]")]
    [InlineData("test", "[TEST]")]
    public void The_tag_follows_the_event(string @event, string tag)
    {
        Assert.Equal(tag, NotificationText.Tag(Notifications.Of(@event, ChannelTypes.Discord)));
    }
}
