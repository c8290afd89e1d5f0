using System.Net;
using System.Net.Sockets;

namespace Monitoring.IntegrationTests.Infrastructure;

/// <summary>
/// A TCP relay on 127.0.0.1 in front of PostgreSQL that a test can cut (every connection dropped, new ones
/// refused), silence (every connection dropped, new ones accepted and never answered: a host gone without a reset),
/// freeze (nothing relayed any more on any connection, old or new: a network partition) and restore, to see what the
/// product does while its database is away.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint target;
    private readonly List<TcpClient> open = [];
    private readonly List<TcpClient> unanswered = [];
    private readonly CancellationTokenSource stopping = new();
    private volatile bool cut;
    private volatile bool silent;
    private volatile bool frozen;

    public TcpProxy(IPEndPoint target)
    {
        this.target = target;
        listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public void Cut()
    {
        cut = true;
        lock (open)
        {
            foreach (var client in open)
            {
                client.Close();
            }

            open.Clear();
        }
    }

    /// <summary>Drops every connection; new ones are accepted and then left without an answer until <see cref="Restore"/>.</summary>
    public void Silence()
    {
        silent = true;
        Cut();
    }

    /// <summary>
    /// Relays nothing more on the open connections and leaves new ones without an answer, until <see cref="Restore"/>,
    /// which then drops the frozen connections (as a server does with clients it has not heard from).
    /// </summary>
    public void Freeze()
    {
        frozen = true;
        silent = true;
        cut = true;
    }

    public void Restore()
    {
        if (frozen)
        {
            lock (open)
            {
                open.ForEach(client => client.Close());
                open.Clear();
            }
        }

        frozen = false;
        cut = false;
        silent = false;
        lock (unanswered)
        {
            unanswered.ForEach(client => client.Close());
            unanswered.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        Cut();
        Restore();
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpClient incoming;
            try
            {
                incoming = await listener.AcceptTcpClientAsync(stopping.Token);
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                return;
            }

            if (cut && silent)
            {
                lock (unanswered)
                {
                    unanswered.Add(incoming);
                }

                continue;
            }

            if (cut)
            {
                incoming.Close();
                continue;
            }

            _ = RelayAsync(incoming);
        }
    }

    private async Task RelayAsync(TcpClient incoming)
    {
        var outgoing = new TcpClient();
        try
        {
            await outgoing.ConnectAsync(target);
            lock (open)
            {
                open.Add(incoming);
                open.Add(outgoing);
            }

            var a = RelayOneWayAsync(incoming.GetStream(), outgoing.GetStream());
            var b = RelayOneWayAsync(outgoing.GetStream(), incoming.GetStream());
            await Task.WhenAny(a, b);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            incoming.Close();
            outgoing.Close();
        }
    }

    private async Task RelayOneWayAsync(Stream from, Stream to)
    {
        var buffer = new byte[81920];
        int read;
        while ((read = await from.ReadAsync(buffer)) > 0)
        {
            while (frozen)
            {
                await Task.Delay(50);
            }

            await to.WriteAsync(buffer.AsMemory(0, read));
        }
    }
}
