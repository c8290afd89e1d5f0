using Monitoring.Grains.Checking;

namespace Monitoring.UnitTests.Checking;

public sealed class HealthCheckRequestTests
{
    [Fact]
    public void Printing_a_request_shows_neither_the_password_nor_header_values()
    {
        var request = new HealthCheckRequest(new Uri("https://api.example.com/health"), HttpMethod.Post, TimeSpan.FromSeconds(5), "monitor", "s3cret-password",
            Body: """{"probe":true}""", Headers: [new("X-Api-Key", "token-value-123"), new("Content-Type", "application/json")], FollowRedirects: true, TlsVerify: false);

        var text = request.ToString();

        Assert.Equal("POST https://api.example.com/health (timeout 5000 ms, basic auth, headers X-Api-Key, Content-Type, body 14 chars, follows redirects, TLS not verified)", text);
        Assert.DoesNotContain("s3cret", text);
        Assert.DoesNotContain("token-value", text);
    }

    [Fact]
    public void A_plain_request_prints_as_before()
    {
        var request = new HealthCheckRequest(new Uri("http://127.0.0.1:8080/health"), HttpMethod.Get, TimeSpan.FromMilliseconds(250));

        Assert.Equal("GET http://127.0.0.1:8080/health (timeout 250 ms)", request.ToString());
    }

    [Fact]
    public void A_tcp_request_prints_its_url()
    {
        Assert.Equal("tls://[::1]:443 (timeout 5000 ms, TLS not verified)", new TcpCheckRequest("::1", 443, true, TimeSpan.FromSeconds(5), TlsVerify: false).ToString());
    }
}
