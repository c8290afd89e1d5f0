namespace Monitoring.Grains.Checking;

/// <summary>Why no HTTP answer came.</summary>
public enum TransportFailure
{
    None,
    Timeout,
    ConnectionRefused,
    ConnectionReset,
    NameResolution,
    Tls,
    Unreachable,
    Other,
}
