using System.Net;
using System.Net.Sockets;

namespace Monitoring.IntegrationTests.Checking;

/// <summary>
/// A bare TCP listener on 127.0.0.1. Silent: connections complete (the kernel's backlog) and nothing is ever said.
/// Closing: every connection is accepted and closed at once, so a TLS handshake ends before it began.
/// </summary>
public sealed class RawListener : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();

    private RawListener(bool closing)
    {
        listener.Start();
        if (closing)
        {
            _ = CloseEveryConnectionAsync();
        }
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public static RawListener Silent() => new(closing: false);

    public static RawListener Closing() => new(closing: true);

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
        stop.Dispose();
    }

    private async Task CloseEveryConnectionAsync()
    {
        try
        {
            while (true)
            {
                using var connection = await listener.AcceptSocketAsync(stop.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }
}
