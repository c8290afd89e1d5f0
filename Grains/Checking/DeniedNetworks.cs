using System.Net;

namespace Monitoring.Grains.Checking;

/// <summary>
/// Networks that checks may not connect to, matched against the address actually connected to (after DNS),
/// so a name that resolves to a denied address is refused as well. By default: IPv4 and IPv6 link-local
/// (169.254.0.0/16, fe80::/10), which hold the cloud metadata services of AWS, GCP and Azure
/// (169.254.169.254), AWS's IPv6 metadata address (fd00:ec2::254), Alibaba's (100.100.100.200) and Azure's
/// WireServer (168.63.129.16).
/// IPv4 addresses written as IPv6 (::ffff:a.b.c.d, NAT64 64:ff9b::a.b.c.d) are matched as IPv4.
/// </summary>
public sealed class DeniedNetworks
{
    /// <summary>The default list, comma separated CIDR networks.</summary>
    public const string Default = "169.254.0.0/16,fe80::/10,fd00:ec2::254/128,100.100.100.200/32,168.63.129.16/32";

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");

    private readonly IReadOnlyList<IPNetwork> networks;

    private DeniedNetworks(IReadOnlyList<IPNetwork> networks) => this.networks = networks;

    public static DeniedNetworks None { get; } = new([]);

    public IReadOnlyList<IPNetwork> Networks => networks;

    /// <summary>Reads a comma separated list of CIDR networks (a bare address is a single-address network); "none" or empty is none.</summary>
    public static bool TryParse(string? text, out DeniedNetworks? denied, out string? error)
    {
        denied = null;
        error = null;
        if (string.IsNullOrWhiteSpace(text) || text.Trim().Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            denied = None;
            return true;
        }

        var parsed = new List<IPNetwork>();
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (IPNetwork.TryParse(item, out var network))
            {
                parsed.Add(network);
            }
            else if (IPAddress.TryParse(item, out var address))
            {
                parsed.Add(new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                error = $"'{item}' is not a network in CIDR notation (such as 169.254.0.0/16 or fe80::/10)";
                return false;
            }
        }

        denied = new DeniedNetworks(parsed);
        return true;
    }

    public static DeniedNetworks Parse(string? text) =>
        TryParse(text, out var denied, out var error) ? denied! : throw new FormatException(error);

    /// <summary>The denied network that holds <paramref name="address"/>, or null when it may be connected to.</summary>
    public IPNetwork? Match(IPAddress address)
    {
        var candidates = new List<IPAddress>(2) { address };
        if (address.IsIPv4MappedToIPv6)
        {
            candidates.Add(address.MapToIPv4());
        }
        else if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && Nat64.Contains(address))
        {
            candidates.Add(new IPAddress(address.GetAddressBytes()[12..]));
        }

        foreach (var network in networks)
        {
            foreach (var candidate in candidates)
            {
                if (network.BaseAddress.AddressFamily == candidate.AddressFamily && network.Contains(candidate))
                {
                    return network;
                }
            }
        }

        return null;
    }
}
