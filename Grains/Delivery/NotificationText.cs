using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Grains.Delivery;

/// <summary>
/// The words of a notice, shared by every channel: each names the client, the service, its URL, the status and
/// the error, and a resolved notice says how long the incident lasted (<c>down for 4m 12s</c>).
/// </summary>
public static class NotificationText
{
    /// <summary><c>[DOWN]</c>, <c>[DEGRADED]</c>, <c>[RESOLVED]</c>, <c>[REMINDER]</c> or <c>[TEST]</c>.</summary>
    public static string Tag(Notification n) => n.Event switch
    {
        "resolved" => "[RESOLVED]",
        "reminder" => "[REMINDER]",
        "test" => "[TEST]",
        _ => n.Incident?.Severity == Interfaces.Models.HealthStatus.Degraded ? "[DEGRADED]" : "[DOWN]",
    };

    /// <summary>The subject line: <c>[DOWN] Checkout API — Acme</c>; a test names the channel.</summary>
    public static string Subject(Notification n) => n.Event == "test"
        ? $"{Tag(n)} {n.Channel.Name} — {n.Client?.Name ?? "shared channel"}"
        : $"{Tag(n)} {n.Service?.Name ?? $"service {n.Delivery.ServiceId}"} — {n.Client?.Name ?? $"client {n.Delivery.ClientId}"}";

    /// <summary>One sentence with the facts: for chat messages and summaries.</summary>
    public static string Summary(Notification n)
    {
        if (n.Event == "test")
        {
            return $"Test notification for the channel '{n.Channel.Name}' ({n.Channel.Type}) of {n.Client?.Name ?? "every client (shared)"}: deliveries to it work.";
        }

        var service = n.Service?.Name ?? $"service {n.Delivery.ServiceId}";
        var client = n.Client?.Name ?? $"client {n.Delivery.ClientId}";
        var url = n.Service?.EndpointUrl ?? "(unknown URL)";
        var severity = SeverityWord(n);
        return n.Event switch
        {
            "resolved" => $"{service} of {client} has recovered ({url} is {StatusWord(n)}); it was {severity} for {Lasted(n)}. Last error: {n.Incident?.LastError ?? "none"}.",
            "reminder" => $"{service} of {client} is still {severity} ({url}), for {Lasted(n)} so far. Error: {n.Incident?.LastError ?? n.Status?.Error ?? "none"}.",
            _ => $"{service} of {client} is {severity} ({url}). Error: {n.Incident?.LastError ?? n.Status?.Error ?? "none"}.",
        };
    }

    /// <summary>The facts as label and value, in the order every channel shows them.</summary>
    public static IReadOnlyList<(string Label, string Value)> Facts(Notification n)
    {
        if (n.Event == "test")
        {
            return [("Channel", $"{n.Channel.Name} ({n.Channel.Type})"), ("Client", n.Client?.Name ?? "shared with every client")];
        }

        var facts = new List<(string, string)>
        {
            ("Client", n.Client?.Name ?? $"client {n.Delivery.ClientId}"),
            ("Service", n.Service?.Name ?? $"service {n.Delivery.ServiceId}"),
            ("URL", n.Service?.EndpointUrl ?? "(unknown)"),
            ("Status", StatusWord(n)),
            ("Error", n.Incident?.LastError ?? n.Status?.Error ?? "none"),
        };
        if (n.Incident is { } incident)
        {
            facts.Add(("Started", Time(incident.StartedAt)));
            facts.Add(n.Event == "resolved"
                ? ("Duration", $"{SeverityWord(n)} for {Lasted(n)}")
                : ("Bad checks", incident.BadChecks.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            facts.Add(("Incident", $"#{incident.Id}"));
        }

        return facts;
    }

    /// <summary>The plain-text body of an e-mail: the summary, then one fact per line.</summary>
    public static string PlainText(Notification n) =>
        Summary(n) + "\n\n" + string.Join("\n", Facts(n).Select(f => $"{f.Label}: {f.Value}")) + "\n";

    /// <summary>
    /// <paramref name="text"/> cut to <paramref name="max"/> characters with an ellipsis: receivers refuse longer fields
    /// (Discord: a title of 256, content of 2,000; Slack: a section of 3,000; PagerDuty: a summary of 1,024).
    /// </summary>
    public static string Clip(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    /// <summary>How long the incident lasted (resolved) or has lasted so far.</summary>
    public static string Lasted(Notification n) => n.Incident is { } incident
        ? DurationText.Of((incident.ResolvedAt ?? n.At ?? DateTimeOffset.UtcNow) - incident.StartedAt)
        : "an unknown time";

    private static string SeverityWord(Notification n) => n.Incident?.Severity == Interfaces.Models.HealthStatus.Degraded ? "degraded" : "down";

    private static string StatusWord(Notification n) => n.Status is { } status
        ? status.Status.ToWire()
        : n.Event == "resolved" ? "up" : SeverityWord(n);

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
}
