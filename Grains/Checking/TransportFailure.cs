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

    /// <summary>Every address of the target is in a denied network (see <see cref="DeniedNetworks"/>).</summary>
    Denied,
    Other,
}
