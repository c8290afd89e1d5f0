namespace Monitoring.Grains.Alerting;

/// <summary>The channel types of alerting.md and which of their settings are secrets.</summary>
public static class ChannelTypes
{
    public const string Webhook = "webhook";
    public const string Slack = "slack";
    public const string Discord = "discord";
    public const string Teams = "teams";
    public const string PagerDuty = "pagerduty";
    public const string Email = "email";

    public static readonly IReadOnlyList<string> All = [Webhook, Slack, Discord, Teams, PagerDuty, Email];

    /// <summary>The PagerDuty Events API v2 endpoint, a <c>pagerduty</c> channel's URL unless it names another.</summary>
    public const string PagerDutyEventsUrl = "https://events.pagerduty.com/v2/enqueue";

    /// <summary>Slack, Discord and Teams incoming-webhook URLs carry their own credential: they are stored encrypted.</summary>
    public static bool UrlIsSecret(string type) => type is Slack or Discord or Teams;

    /// <summary>Types whose URL is required.</summary>
    public static bool NeedsUrl(string type) => type is Webhook or Slack or Discord or Teams;
}
