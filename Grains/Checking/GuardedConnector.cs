using System.Net;
using System.Net.Http;
using System.Net.Sockets;

namespace Monitoring.Grains.Checking;

/// <summary>
/// The connect step of every check (the HTTP handlers' ConnectCallback and the TCP checker): resolves the host,
/// drops every address in a denied network, and connects to the rest, so the address checked is the address used
/// (a name that resolves to a metadata address, or re-resolves to one between check and connect, does not get through).
/// </summary>
public sealed class GuardedConnector(DeniedNetworks denied)
{
    /// <summary>The <see cref="SocketsHttpHandler.ConnectCallback"/> of the checks' HTTP handlers.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = await ConnectSocketAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, cancellationToken);
        return new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>
    /// A connected TCP socket (no delay) to <paramref name="host"/> (a name, or an IPv4 or IPv6 literal without
    /// brackets) on <paramref name="port"/>; the caller owns it. Throws <see cref="DeniedAddressException"/> when
    /// every address is denied, and <see cref="SocketException"/> (HostNotFound, ConnectionRefused, …) otherwise.
    /// </summary>
    public async Task<Socket> ConnectSocketAsync(string host, int port, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = Array.FindAll(addresses, a => denied.Match(a) is null);
        if (allowed.Length == 0)
        {
            if (addresses.Length == 0)
            {
                throw new SocketException((int)SocketError.HostNotFound);
            }

            throw new DeniedAddressException(host, addresses[0], denied.Match(addresses[0])!.Value);
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, port, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
