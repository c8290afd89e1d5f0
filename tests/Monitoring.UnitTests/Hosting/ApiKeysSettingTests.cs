using Monitoring.Gateway.Hosting;
using Monitoring.Sql;

namespace Monitoring.UnitTests.Hosting;

public sealed class ApiKeysSettingTests
{
    [Theory]
    [InlineData("admin-key", "admin-key|")]
    [InlineData("k1,k2", "k1|; k2|")]
    [InlineData(" k1 , k2:5 ,k3 ", "k1|; k2|5; k3|")]
    [InlineData("scoped:42", "scoped|42")]
    [InlineData("a:b:7", "a:b|7")]
    [InlineData("k1,,k2,", "k1|; k2|")]
    [InlineData("k:9223372036854775807", "k|9223372036854775807")]
    [InlineData("same,same", "same|; same|")]
    public void Reads_comma_separated_keys_each_optionally_scoped_to_a_client(string value, string expected)
    {
        var keys = GatewaySettings.ReadApiKeys(value);

        Assert.Equal(expected, string.Join("; ", keys.Select(k => $"{k.Value}|{k.ClientId}")));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Requires_a_value(string? value)
    {
        var error = Assert.Throws<SettingException>(() => GatewaySettings.ReadApiKeys(value));

        Assert.Equal("API_KEYS", error.Setting);
        Assert.Equal("API_KEYS is required: a comma-separated list of keys, each optionally 'key:client_id'", error.Message);
    }

    [Theory]
    [InlineData(",")]
    [InlineData(" , ,, ")]
    public void Requires_at_least_one_key(string value)
    {
        var error = Assert.Throws<SettingException>(() => GatewaySettings.ReadApiKeys(value));

        Assert.Equal("API_KEYS lists no key", error.Message);
    }

    [Theory]
    [InlineData("secret-one:0", 1)]
    [InlineData("secret-one:-3", 1)]
    [InlineData("secret-one:abc", 1)]
    [InlineData("secret-one:", 1)]
    [InlineData(":5", 1)]
    [InlineData("secret-one:1.5", 1)]
    [InlineData("secret-one:99999999999999999999", 1)]
    [InlineData("good,secret-one:x", 2)]
    [InlineData("good,,other:1,secret-one:client", 3)]
    public void Refuses_a_malformed_scope_naming_the_entry_but_not_the_key(string value, int entry)
    {
        var error = Assert.Throws<SettingException>(() => GatewaySettings.ReadApiKeys(value));

        Assert.Equal("API_KEYS", error.Setting);
        Assert.Equal($"API_KEYS has an entry that is not 'key' or 'key:client_id' (entry {entry})", error.Message);
        Assert.DoesNotContain("secret-one", error.Message);
    }

    [Fact]
    public void A_key_never_prints_itself()
    {
        var keys = GatewaySettings.ReadApiKeys("top-secret,scoped-secret:4");

        Assert.Equal(["admin key", "key of client 4"], keys.Select(k => k.ToString()));
    }
}
