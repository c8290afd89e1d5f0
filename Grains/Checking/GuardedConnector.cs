using System.Net;
using System.Net.Http;
using System.Net.Sockets;

namespace Monitoring.Grains.Checking;

/// <summary>
/// The connect step of the checks' HTTP handler: resolves the host, drops every address in a denied network,
/// and connects to the rest, so the address checked is the address used (a name that resolves to a metadata
/// address, or re-resolves to one between check and connect, does not get through).
/// </summary>
public sealed class GuardedConnector(DeniedNetworks denied)
{
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var endpoint = context.DnsEndPoint;
        var addresses = IPAddress.TryParse(endpoint.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endpoint.Host, cancellationToken);
        var allowed = Array.FindAll(addresses, a => denied.Match(a) is null);
        if (allowed.Length == 0)
        {
            if (addresses.Length == 0)
            {
                throw new SocketException((int)SocketError.HostNotFound);
            }

            throw new DeniedAddressException(endpoint.Host, addresses[0], denied.Match(addresses[0])!.Value);
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endpoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
