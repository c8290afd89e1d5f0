using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Monitoring.Hosting;
using Monitoring.Sql;

namespace Monitoring.Silo;

/// <summary>
/// Where this silo listens and how the fleet is named. A second silo joins by running with two other
/// ports (SILO_PORT, GATEWAY_PORT); SILO_ADVERTISED_IP is the address other processes reach it on:
/// 127.0.0.1 by default, "auto" for the first non-loopback IPv4 (containers), or an address.
/// </summary>
public sealed record ClusterSettings(FleetName Fleet, IPAddress AdvertisedIp, int SiloPort, int GatewayPort)
{
    public string ClusterId => Fleet.ClusterId;

    public string ServiceId => Fleet.ServiceId;

    public static ClusterSettings Read(IConfiguration configuration) => new(
        FleetName.Read(configuration),
        ReadAddress(configuration["SILO_ADVERTISED_IP"]),
        ReadPort(configuration, "SILO_PORT", 11111),
        ReadPort(configuration, "GATEWAY_PORT", 30000));

    private static int ReadPort(IConfiguration configuration, string name, int fallback)
    {
        var value = configuration[name];
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        return int.TryParse(value, out var port) && port is > 0 and < 65536
            ? port
            : throw new SettingException(name, $"must be a TCP port (1-65535), not '{value}'");
    }

    private static IPAddress ReadAddress(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return IPAddress.Loopback;
        }

        if (value.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            return FirstNonLoopbackIPv4() ?? throw new SettingException("SILO_ADVERTISED_IP", "is 'auto' but this host has no non-loopback IPv4 address");
        }

        return IPAddress.TryParse(value, out var address)
            ? address
            : throw new SettingException("SILO_ADVERTISED_IP", $"must be an IP address or 'auto', not '{value}'");
    }

    private static IPAddress? FirstNonLoopbackIPv4() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
}
