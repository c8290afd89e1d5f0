using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Monitoring.Grains.Checking;

/// <summary>
/// What one TCP check does: connect to <paramref name="Host"/> (a name, or an IP literal without brackets) on
/// <paramref name="Port"/> (1–65535) within <paramref name="Timeout"/>, and with <paramref name="Tls"/> complete a TLS
/// handshake (SNI: the host), verifying the certificate unless <paramref name="TlsVerify"/> is false.
/// </summary>
public sealed record TcpCheckRequest(string Host, int Port, bool Tls, TimeSpan Timeout, bool TlsVerify = true)
{
    public const string TcpScheme = "tcp";

    public const string TlsScheme = "tls";

    /// <summary>The endpoint as a URL: <c>tcp://host:port</c> or <c>tls://host:port</c>, an IPv6 literal in brackets.</summary>
    public string Url => $"{(Tls ? TlsScheme : TcpScheme)}://{(Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host)}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// Reads <c>tcp://host:port</c> or <c>tls://host:port</c> (scheme case-insensitive; a host name, an IPv4 literal or
    /// an IPv6 literal in brackets; a port 1–65535; at most a trailing <c>/</c>, no user info, path, query or fragment).
    /// The error names what is wrong, for a 400.
    /// </summary>
    public static bool TryParse(string? url, TimeSpan timeout, bool tlsVerify, [NotNullWhen(true)] out TcpCheckRequest? request, [NotNullWhen(false)] out string? error)
    {
        request = null;
        if (!TryParseEndpoint(url, out var tls, out var host, out var port, out error))
        {
            return false;
        }

        request = new TcpCheckRequest(host, port, tls, timeout, tlsVerify);
        return true;
    }

    private static bool TryParseEndpoint(string? url, out bool tls, out string host, out int port, [NotNullWhen(false)] out string? error)
    {
        (tls, host, port, error) = (false, string.Empty, 0, null);
        const string Shape = "must be tcp://host:port or tls://host:port";
        var separator = url?.IndexOf("://", StringComparison.Ordinal) ?? -1;
        if (url is null || separator < 0)
        {
            error = Shape;
            return false;
        }

        var scheme = url[..separator];
        tls = scheme.Equals(TlsScheme, StringComparison.OrdinalIgnoreCase);
        if (!tls && !scheme.Equals(TcpScheme, StringComparison.OrdinalIgnoreCase))
        {
            error = Shape;
            return false;
        }

        var authority = url[(separator + 3)..];
        if (authority.EndsWith('/'))
        {
            authority = authority[..^1];
        }

        if (authority.Contains('@', StringComparison.Ordinal))
        {
            error = $"{Shape}, without user info";
            return false;
        }

        if (authority.IndexOfAny(['/', '?', '#', '\\']) >= 0)
        {
            error = $"{Shape}, without a path, query or fragment";
            return false;
        }

        string portText;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || !IPAddress.TryParse(authority[1..close], out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                error = $"{Shape}: '{authority}' is not an IPv6 address in brackets";
                return false;
            }

            host = v6.ToString();
            if (close + 1 >= authority.Length || authority[close + 1] != ':')
            {
                error = $"{Shape}: the port is missing";
                return false;
            }

            portText = authority[(close + 2)..];
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            if (colon < 0)
            {
                error = $"{Shape}: the port is missing";
                return false;
            }

            host = authority[..colon];
            portText = authority[(colon + 1)..];
            if (host.Contains(':', StringComparison.Ordinal))
            {
                error = $"{Shape}: an IPv6 address goes in brackets, such as tcp://[::1]:5432";
                return false;
            }

            if (Uri.CheckHostName(host) is not (UriHostNameType.Dns or UriHostNameType.IPv4))
            {
                error = $"{Shape}: '{host}' is not a host name or an IP address";
                return false;
            }

            host = host.ToLowerInvariant();
        }

        if (portText.Length == 0 || portText.Length > 5 || !portText.All(char.IsAsciiDigit)
            || !int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
        {
            error = portText.Length == 0 ? $"{Shape}: the port is missing" : $"{Shape}: the port must be 1-65535";
            port = 0;
            return false;
        }

        return true;
    }

    public override string ToString() =>
        $"{Url} (timeout {Timeout.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms{(Tls && !TlsVerify ? ", TLS not verified" : string.Empty)})";
}
