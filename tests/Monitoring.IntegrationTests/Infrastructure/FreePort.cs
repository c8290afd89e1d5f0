using System.Net;
using System.Net.Sockets;

namespace Monitoring.IntegrationTests.Infrastructure;

/// <summary>
/// Ports for the processes and servers the tests start. Taken below the kernel's ephemeral range
/// (net.ipv4.ip_local_port_range, 32768–60999 on Debian): a port the kernel picks for port 0 comes from that range,
/// and so do the local ports of every outgoing connection (PostgreSQL, HTTP), so such a port could be taken between
/// the pick and the child process binding it (a gateway failed to start so, "address already in use"). Here each
/// port is handed out once per test process and checked free when handed out.
/// </summary>
public static class FreePort
{
    private const int First = 20_000;
    private const int Count = 12_000;

    // Test processes running at once on one machine start far apart.
    private static int handedOut = Environment.ProcessId % 60 * 200;

    /// <summary>A TCP port on 127.0.0.1 that nothing listens on right now and no other caller got from here.</summary>
    public static int Next()
    {
        for (var tried = 0; tried < Count; tried++)
        {
            var port = First + (Interlocked.Increment(ref handedOut) % Count);
            if (IsFree(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"no free port between {First} and {First + Count}");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
