namespace Monitoring.Grains.Services;

/// <summary>Why a check ran: its service-status record's <c>trigger</c>.</summary>
public static class CheckTrigger
{
    public const string Schedule = "schedule";
    public const string Manual = "manual";

    /// <summary>A heartbeat's job reported (monitors.md).</summary>
    public const string Ping = "ping";
}
