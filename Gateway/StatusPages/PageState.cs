namespace Monitoring.Gateway.StatusPages;

/// <summary>
/// The overall state a status page announces (operations.md): <c>maintenance</c> when a maintenance window covers every
/// service shown; otherwise, over the services not in maintenance, <c>major_outage</c> when all are down,
/// <c>partial_outage</c> when some are, <c>degraded</c> when some are degraded, else <c>operational</c>. A service never
/// checked yet (<c>unknown</c>) is neither up nor down: it does not spoil "operational" nor make an outage total.
/// </summary>
public static class PageState
{
    public const string Operational = "operational";
    public const string Degraded = "degraded";
    public const string PartialOutage = "partial_outage";
    public const string MajorOutage = "major_outage";
    public const string Maintenance = "maintenance";

    /// <summary>The state of a page whose services show <paramref name="shown"/> (up, degraded, down, maintenance, unknown).</summary>
    public static string Of(IReadOnlyCollection<string> shown)
    {
        if (shown.Count > 0 && shown.All(s => s == "maintenance"))
        {
            return Maintenance;
        }

        var considered = shown.Where(s => s != "maintenance").ToList();
        var down = considered.Count(s => s == "down");
        if (down > 0)
        {
            return down == considered.Count ? MajorOutage : PartialOutage;
        }

        return considered.Contains("degraded") ? Degraded : Operational;
    }

    /// <summary>The heading of a state, as operations.md words it.</summary>
    public static string Text(string state) => state switch
    {
        Operational => "All systems operational",
        Degraded => "Degraded performance",
        PartialOutage => "Partial outage",
        MajorOutage => "Major outage",
        Maintenance => "Under maintenance",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "not a page state"),
    };

    /// <summary>How a service's state reads on the page.</summary>
    public static string ServiceText(string shown) => shown switch
    {
        "up" => "Up",
        "degraded" => "Degraded",
        "down" => "Down",
        "maintenance" => "Maintenance",
        _ => "No data yet",
    };
}
