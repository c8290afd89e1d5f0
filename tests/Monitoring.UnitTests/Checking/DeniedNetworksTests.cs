using System.Net;
using Monitoring.Grains.Checking;

namespace Monitoring.UnitTests.Checking;

public sealed class DeniedNetworksTests
{
    private static readonly DeniedNetworks Defaults = DeniedNetworks.Parse(DeniedNetworks.Default);

    [Theory]
    [InlineData("169.254.169.254", "169.254.0.0/16")]
    [InlineData("169.254.0.1", "169.254.0.0/16")]
    [InlineData("::ffff:169.254.169.254", "169.254.0.0/16")]
    [InlineData("64:ff9b::a9fe:a9fe", "169.254.0.0/16")]
    [InlineData("fe80::1", "fe80::/10")]
    [InlineData("febf::ffff", "fe80::/10")]
    [InlineData("fd00:ec2::254", "fd00:ec2::254/128")]
    [InlineData("100.100.100.200", "100.100.100.200/32")]
    [InlineData("168.63.129.16", "168.63.129.16/32")]
    public void The_defaults_deny_link_local_and_metadata_addresses(string address, string network) =>
        Assert.Equal(network, Defaults.Match(IPAddress.Parse(address))?.ToString());

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("10.1.2.3")]
    [InlineData("192.168.1.1")]
    [InlineData("169.255.0.1")]
    [InlineData("fd00:ec2::253")]
    [InlineData("fec0::1")]
    [InlineData("100.100.100.201")]
    public void The_defaults_allow_everything_else(string address) =>
        Assert.Null(Defaults.Match(IPAddress.Parse(address)));

    [Theory]
    [InlineData("", 0)]
    [InlineData("none", 0)]
    [InlineData(" NONE ", 0)]
    [InlineData("10.0.0.0/8", 1)]
    [InlineData("10.0.0.0/8, 192.168.0.0/16 ,::1", 3)]
    [InlineData("127.0.0.1", 1)]
    public void Reads_a_comma_separated_list(string text, int count)
    {
        Assert.True(DeniedNetworks.TryParse(text, out var denied, out var error), error);
        Assert.Equal(count, denied!.Networks.Count);
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("example.com")]
    [InlineData("10.0.0.0/8,nonsense")]
    public void Refuses_what_is_not_a_network(string text)
    {
        Assert.False(DeniedNetworks.TryParse(text, out _, out var error));
        Assert.Contains("CIDR", error);
    }

    [Fact]
    public void A_single_address_entry_denies_only_that_address()
    {
        var denied = DeniedNetworks.Parse("127.0.0.2");

        Assert.NotNull(denied.Match(IPAddress.Parse("127.0.0.2")));
        Assert.Null(denied.Match(IPAddress.Parse("127.0.0.1")));
    }
}
