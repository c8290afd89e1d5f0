using System.Text.RegularExpressions;
using Monitoring.Grains.Alerting;
using Monitoring.Grains.Delivery;

namespace Monitoring.UnitTests.Delivery;

/// <summary>
/// The notices the sender tests render, as the dispatcher would assemble them: incident #314 of the service
/// "Checkout API" of the client "Acme Corp", which started at 12:00:00 and (when resolved) recovered 252 s
/// later, so every resolved text must say it was down for <c>4m 12s</c>.
/// </summary>
internal static class Notifications
{
    public const string ClientName = "Acme Corp";
    public const string ServiceName = "Checkout API";
    public const string ChannelName = "Ops alerts";
    public const string ServiceUrl = "https://checkout.acme.example/health";
    public const string LastError = "HTTP 503 Service Unavailable";
    public const string FirstError = "connection refused";
    public const string RoutingKey = "R0UT1NGKEY0123456789ABCDEFGHIJKL";
    public const string WebhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    public const long ClientId = 7;
    public const long ServiceId = 42;
    public const long ChannelId = 5;
    public const long IncidentId = 314;
    public const long DeliveryId = 4242;

    public static readonly DateTimeOffset StartedAt = Times.At("2026-11-29T12:00:00Z");
    public static readonly DateTimeOffset ConfirmedAt = StartedAt.AddSeconds(60);
    public static readonly DateTimeOffset ResolvedAt = StartedAt.AddSeconds(252);

    /// <summary>When the attempt is made (the senders' clock).</summary>
    public static readonly DateTimeOffset Now = Times.At("2026-11-29T12:04:15.123Z");

    public static readonly string[] Recipients = ["oncall@acme.example", "ops@acme.example"];

    public static ClientRecord Client => new(ClientId, ClientName, "The web shop", "ops@acme.example", Times.At("2026-01-01T00:00:00Z"), Times.At("2026-02-01T00:00:00Z"));

    public static ServiceRecord Service => new()
    {
        Id = ServiceId,
        ClientId = ClientId,
        Name = ServiceName,
        EndpointUrl = ServiceUrl,
        Method = "GET",
        ExpectedStatusCode = 200,
        TimeoutMs = 5000,
        DegradedThresholdMs = 2000,
        CronTimezone = "UTC",
        CronSchedule = "* * * * *",
        Enabled = true,
        HasBasicAuthPassword = false,
        LastStatus = HealthStatus.Down,
        LastCheckedAt = StartedAt.AddSeconds(180),
        LastResponseTimeMs = 120,
        CreatedAt = Times.At("2026-01-02T00:00:00Z"),
        UpdatedAt = Times.At("2026-01-03T00:00:00Z"),
        AlertChannelIds = [ChannelId],
        FailureThreshold = 2,
        SuccessThreshold = 2,
    };

    /// <summary>
    /// The notice of <paramref name="event"/> (<c>triggered</c>, <c>resolved</c>, <c>reminder</c> or <c>test</c>) to a
    /// channel of <paramref name="channelType"/> about an incident of <paramref name="severity"/>.
    /// </summary>
    public static Notification Of(string @event, string channelType, HealthStatus severity = HealthStatus.Down, long deliveryId = DeliveryId)
    {
        var test = @event == "test";
        var resolved = @event == "resolved";
        var delivery = new DeliveryRow
        {
            Id = deliveryId,
            ChannelId = ChannelId,
            ClientId = ClientId,
            IncidentId = test ? null : IncidentId,
            ServiceId = test ? null : ServiceId,
            Event = @event,
            State = "pending",
            Attempts = 1,
            CreatedAt = resolved ? ResolvedAt : ConfirmedAt,
        };
        var channel = new ChannelRow
        {
            Id = ChannelId,
            ClientId = ClientId,
            Name = ChannelName,
            Type = channelType,
            Url = channelType switch
            {
                ChannelTypes.Email => null,
                ChannelTypes.PagerDuty => ChannelTypes.PagerDutyEventsUrl,
                ChannelTypes.Webhook => "https://hooks.acme.example/monitoring",
                _ => "https://hooks.example.com/…",
            },
            EmailTo = channelType == ChannelTypes.Email ? Recipients : [],
            CreatedAt = Times.At("2026-01-05T00:00:00Z"),
            UpdatedAt = Times.At("2026-01-05T00:00:00Z"),
        };
        var url = channelType switch
        {
            ChannelTypes.Email => null,
            ChannelTypes.PagerDuty => ChannelTypes.PagerDutyEventsUrl,
            ChannelTypes.Webhook => "https://hooks.acme.example/monitoring",
            _ => "https://hooks.example.com/services/T000/B000/XXXXXXXX",
        };
        var secret = channelType switch
        {
            ChannelTypes.Webhook => WebhookSecret,
            ChannelTypes.PagerDuty => RoutingKey,
            _ => null,
        };

        if (test)
        {
            return new Notification(delivery, channel, url, secret, Client, null, null, null);
        }

        var incident = new IncidentRecord
        {
            Id = IncidentId,
            ServiceId = ServiceId,
            ClientId = ClientId,
            Status = resolved ? "resolved" : "open",
            Severity = severity,
            StartedAt = StartedAt,
            ConfirmedAt = ConfirmedAt,
            ResolvedAt = resolved ? ResolvedAt : null,
            ResolvedReason = resolved ? "recovered" : null,
            DurationMs = resolved ? 252_000 : null,
            FirstError = FirstError,
            LastError = LastError,
            BadChecks = 4,
            Suppressed = false,
            CreatedAt = ConfirmedAt,
            UpdatedAt = resolved ? ResolvedAt : ConfirmedAt,
        };
        var status = resolved
            ? new StatusRecord(9002, ServiceId, ClientId, HealthStatus.Up, 200, 85, null, null, null, "scheduled", ResolvedAt)
            : new StatusRecord(9001, ServiceId, ClientId, severity, 503, 120, null, LastError, """{"body":"maintenance page"}""", "scheduled", ConfirmedAt);
        return new Notification(delivery, channel, url, secret, Client, Service, incident, status);
    }

    /// <summary>The status word a notice of <paramref name="event"/> must show: the latest check's status.</summary>
    public static string StatusWord(string @event, HealthStatus severity) => @event == "resolved" ? "up" : severity.ToWire();

    /// <summary>
    /// alerting.md, "What receivers get": every text names the client, the service, its URL, the status and the
    /// error, and a resolved one how long the incident lasted (<c>down for 4m 12s</c>).
    /// </summary>
    public static void AssertNamesTheFacts(string text, string @event, HealthStatus severity)
    {
        Assert.Contains(ClientName, text, StringComparison.Ordinal);
        Assert.Contains(ServiceName, text, StringComparison.Ordinal);
        Assert.Contains(ServiceUrl, text, StringComparison.Ordinal);
        Assert.Contains(LastError, text, StringComparison.Ordinal);
        var status = StatusWord(@event, severity);
        Assert.True(Regex.IsMatch(text, $@"\b{status}\b"), $"the status '{status}' is not named in: {text}");
        if (@event == "resolved")
        {
            Assert.Contains($"{severity.ToWire()} for 4m 12s", text, StringComparison.Ordinal);
        }
    }
}
