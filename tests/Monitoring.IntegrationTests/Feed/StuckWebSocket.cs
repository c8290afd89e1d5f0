using System.Net.Sockets;
using System.Text;

namespace Monitoring.IntegrationTests.Feed;

/// <summary>
/// A hub client that completes the websocket and SignalR handshakes and then never reads again, with a tiny
/// receive buffer: what a frozen dashboard looks like to the server.
/// </summary>
public sealed class StuckWebSocket : IAsyncDisposable
{
    private readonly TcpClient tcp;

    private StuckWebSocket(TcpClient tcp)
    {
        this.tcp = tcp;
    }

    public static async Task<StuckWebSocket> ConnectAsync(string gatewayUrl, string key)
    {
        var uri = new Uri(gatewayUrl);
        var tcp = new TcpClient { ReceiveBufferSize = 4096 };
        await tcp.ConnectAsync(uri.Host, uri.Port);
        var stream = tcp.GetStream();
        var request = $"GET /hub?access_token={Uri.EscapeDataString(key)} HTTP/1.1\r\nHost: {uri.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + $"Sec-WebSocket-Key: {Convert.ToBase64String(Guid.NewGuid().ToByteArray())}\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));

        var response = new StringBuilder();
        var buffer = new byte[1];
        while (!response.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(buffer) == 0)
            {
                throw new IOException("the gateway closed the connection during the websocket handshake");
            }

            response.Append((char)buffer[0]);
        }

        Assert.StartsWith("HTTP/1.1 101", response.ToString());
        await stream.WriteAsync(MaskedTextFrame("{\"protocol\":\"json\",\"version\":1}\u001e"));
        return new StuckWebSocket(tcp);
    }

    public ValueTask DisposeAsync()
    {
        tcp.Dispose();
        return ValueTask.CompletedTask;
    }

    private static byte[] MaskedTextFrame(string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        var mask = new byte[] { 1, 2, 3, 4 };
        var frame = new List<byte> { 0x81, (byte)(0x80 | payload.Length) };
        frame.AddRange(mask);
        frame.AddRange(payload.Select((b, i) => (byte)(b ^ mask[i % 4])));
        return [.. frame];
    }
}
