namespace Monitoring.Grains.Checking;

/// <summary>The three classes of a check, ordered so that the worst is the largest.</summary>
public enum HealthStatus
{
    Up = 0,
    Degraded = 1,
    Down = 2,
}

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

    public static HealthStatus FromWire(string status) => status switch
    {
        Up => HealthStatus.Up,
        Degraded => HealthStatus.Degraded,
        Down => HealthStatus.Down,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "not a status"),
    };
}
