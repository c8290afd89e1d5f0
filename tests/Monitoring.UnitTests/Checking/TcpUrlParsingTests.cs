using Monitoring.Grains.Checking;

namespace Monitoring.UnitTests.Checking;

public sealed class TcpUrlParsingTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    [Theory]
    [InlineData("tcp://db.internal:5432", "db.internal", 5432, false, "tcp://db.internal:5432")]
    [InlineData("tls://mail.example.com:465", "mail.example.com", 465, true, "tls://mail.example.com:465")]
    [InlineData("TCP://DB.Internal:5432/", "db.internal", 5432, false, "tcp://db.internal:5432")]
    [InlineData("tcp://my_service:6379", "my_service", 6379, false, "tcp://my_service:6379")]
    [InlineData("tcp://10.0.0.7:1", "10.0.0.7", 1, false, "tcp://10.0.0.7:1")]
    [InlineData("tls://127.0.0.1:65535", "127.0.0.1", 65535, true, "tls://127.0.0.1:65535")]
    [InlineData("tcp://[::1]:22", "::1", 22, false, "tcp://[::1]:22")]
    [InlineData("tls://[2001:DB8::1]:443", "2001:db8::1", 443, true, "tls://[2001:db8::1]:443")]
    [InlineData("tcp://host:00080", "host", 80, false, "tcp://host:80")]
    public void Reads_a_host_and_a_port(string url, string host, int port, bool tls, string normalized)
    {
        Assert.True(TcpCheckRequest.TryParse(url, Timeout, tlsVerify: false, out var request, out var error), error);

        Assert.Equal(new TcpCheckRequest(host, port, tls, Timeout, TlsVerify: false), request);
        Assert.Equal(normalized, request.Url);
    }

    [Theory]
    [InlineData(null, "must be tcp://host:port or tls://host:port")]
    [InlineData("", "must be tcp://host:port or tls://host:port")]
    [InlineData("db.internal:5432", "must be tcp://host:port or tls://host:port")]
    [InlineData("http://db.internal:5432", "must be tcp://host:port or tls://host:port")]
    [InlineData("udp://db.internal:53", "must be tcp://host:port or tls://host:port")]
    [InlineData("tcp://db.internal", "must be tcp://host:port or tls://host:port: the port is missing")]
    [InlineData("tcp://db.internal:", "must be tcp://host:port or tls://host:port: the port is missing")]
    [InlineData("tcp://db.internal:0", "must be tcp://host:port or tls://host:port: the port must be 1-65535")]
    [InlineData("tcp://db.internal:65536", "must be tcp://host:port or tls://host:port: the port must be 1-65535")]
    [InlineData("tcp://db.internal:-1", "must be tcp://host:port or tls://host:port: the port must be 1-65535")]
    [InlineData("tcp://db.internal:99999999999", "must be tcp://host:port or tls://host:port: the port must be 1-65535")]
    [InlineData("tcp://db.internal:5432/postgres", "must be tcp://host:port or tls://host:port, without a path, query or fragment")]
    [InlineData("tcp://db.internal:5432?x=1", "must be tcp://host:port or tls://host:port, without a path, query or fragment")]
    [InlineData("tcp://db.internal:5432#x", "must be tcp://host:port or tls://host:port, without a path, query or fragment")]
    [InlineData("tcp://user:secret@db.internal:5432", "must be tcp://host:port or tls://host:port, without user info")]
    [InlineData("tcp://:5432", "must be tcp://host:port or tls://host:port: '' is not a host name or an IP address")]
    [InlineData("tcp://bad host:5432", "must be tcp://host:port or tls://host:port: 'bad host' is not a host name or an IP address")]
    [InlineData("tcp://::1:22", "must be tcp://host:port or tls://host:port: an IPv6 address goes in brackets, such as tcp://[::1]:5432")]
    [InlineData("tcp://[::1]", "must be tcp://host:port or tls://host:port: the port is missing")]
    [InlineData("tcp://[::1]22", "must be tcp://host:port or tls://host:port: the port is missing")]
    [InlineData("tcp://[127.0.0.1]:22", "must be tcp://host:port or tls://host:port: '[127.0.0.1]:22' is not an IPv6 address in brackets")]
    [InlineData("tcp://[db]:22", "must be tcp://host:port or tls://host:port: '[db]:22' is not an IPv6 address in brackets")]
    public void Refuses_anything_else_and_says_why(string? url, string expectedError)
    {
        Assert.False(TcpCheckRequest.TryParse(url, Timeout, tlsVerify: true, out var request, out var error));

        Assert.Null(request);
        Assert.Equal(expectedError, error);
    }
}
