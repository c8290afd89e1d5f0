using System.Net;

namespace Monitoring.Grains.Checking;

/// <summary>A check's target resolved only to addresses of a denied network; thrown inside the connect step.</summary>
public sealed class DeniedAddressException(string host, IPAddress address, IPNetwork network)
    : Exception($"{host} resolves to {address}, which is in the denied network {network}")
{
    public IPAddress Address { get; } = address;
}
