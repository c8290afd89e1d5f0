namespace Monitoring.Grains.Interfaces.Models;

/// <summary>
/// The three classes of a check, ordered so that the worst is the largest. Carried as this type from the
/// classifier to the API; turned into its text (<see cref="HealthStatusNames"/>) only at the edges: JSON,
/// SQL and the result journal.
/// </summary>
[GenerateSerializer, Alias("health-status")]
public enum HealthStatus
{
    Up = 0,
    Degraded = 1,
    Down = 2,
}

/// <summary>The contract's words for <see cref="HealthStatus"/>: <c>up</c>, <c>degraded</c>, <c>down</c>.</summary>
public static class HealthStatusNames
{
    public const string Up = "up";
    public const string Degraded = "degraded";
    public const string Down = "down";

    public static string ToWire(this HealthStatus status) => status switch
    {
        HealthStatus.Up => Up,
        HealthStatus.Degraded => Degraded,
        _ => Down,
    };

    /// <summary>The status a stored word names; throws for any other word (the table's CHECK allows no other).</summary>
    public static HealthStatus FromWire(string status) => status switch
    {
        Up => HealthStatus.Up,
        Degraded => HealthStatus.Degraded,
        Down => HealthStatus.Down,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "not a status"),
    };
}
