using Microsoft.AspNetCore.Http;
using Monitoring.Gateway.Api;
using Monitoring.Sql;

namespace Monitoring.UnitTests.Api;

/// <summary>The ping path as logs may show it (the token is a secret), and the PUBLIC_URL setting.</summary>
public sealed class PingPathTests
{
    [Theory]
    [InlineData("/ping/AbCdEfGhIjKlMnOpQrStUv", "/ping/{token}")]
    [InlineData("/ping/AbCdEfGhIjKlMnOpQrStUv/fail", "/ping/{token}/fail")]
    [InlineData("/ping/AbCdEfGhIjKlMnOpQrStUv/3", "/ping/{token}/3")]
    [InlineData("/ping/", "/ping/{token}")]
    [InlineData("/client-services/4", "/client-services/4")]
    [InlineData("/pinged/x", "/pinged/x")]
    public void A_logged_path_never_holds_a_token(string path, string logged)
    {
        Assert.Equal(logged, PingApi.Redact(new PathString(path)));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("  ", null)]
    [InlineData("https://monitor.example.com", "https://monitor.example.com")]
    [InlineData("https://monitor.example.com/", "https://monitor.example.com")]
    [InlineData("http://10.0.0.5:3030/monitoring/", "http://10.0.0.5:3030/monitoring")]
    public void PUBLIC_URL_is_an_absolute_http_url_kept_without_a_trailing_slash(string? value, string? expected)
    {
        Assert.Equal(expected, PingUrls.Read(value));
    }

    [Theory]
    [InlineData("monitor.example.com")]
    [InlineData("ftp://monitor.example.com")]
    [InlineData("https://monitor.example.com/?x=1")]
    public void A_PUBLIC_URL_that_is_not_one_stops_the_gateway_naming_the_setting(string value)
    {
        var error = Assert.Throws<SettingException>(() => PingUrls.Read(value));

        Assert.Contains("PUBLIC_URL", error.Message, StringComparison.Ordinal);
    }
}
