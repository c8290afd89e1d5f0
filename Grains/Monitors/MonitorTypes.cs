namespace Monitoring.Grains.Monitors;

/// <summary>The kinds of check a service can be (monitors.md): we call it over HTTP, we open a TCP (or TLS) port, or a job reports to us.</summary>
public static class MonitorTypes
{
    public const string Http = "http";
    public const string Tcp = "tcp";
    public const string Heartbeat = "heartbeat";

    public static bool IsKnown(string? type) => type is Http or Tcp or Heartbeat;
}
