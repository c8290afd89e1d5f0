using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Monitoring.IntegrationTests.Infrastructure;

/// <summary>One message an <see cref="SmtpServer"/> accepted: envelope and raw data (headers and body).</summary>
public sealed record ReceivedMail(string From, IReadOnlyList<string> To, string Data)
{
    /// <summary>The value of the first header named <paramref name="name"/> (unfolded), or null.</summary>
    public string? Header(string name)
    {
        var head = Data.Split("\r\n\r\n", 2)[0].Replace("\r\n ", " ", StringComparison.Ordinal).Replace("\r\n\t", " ", StringComparison.Ordinal);
        return head.Split("\r\n").FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))?[(name.Length + 1)..].Trim();
    }

    public string Body => Data.Split("\r\n\r\n", 2) is [_, var body] ? body : string.Empty;

    /// <summary>The message as a mail client reads it (encoded words and transfer encodings decoded, by MimeKit).</summary>
    public MimeKit.MimeMessage Parse() => MimeKit.MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(Data)));
}

/// <summary>
/// A small SMTP server on 127.0.0.1 for the mail tests (RFC 5321's commands that a client sending one message
/// uses: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT; no TLS, no AUTH). <see cref="RefuseNext"/> makes it
/// answer the end of the next messages' DATA with a given reply code instead of 250.
/// </summary>
public sealed class SmtpServer : IAsyncDisposable
{
    private readonly TcpListener listener;
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentQueue<ReceivedMail> messages = new();
    private readonly ConcurrentQueue<int> refusals = new();
    private readonly Task accepting;

    private SmtpServer()
    {
        listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public IReadOnlyList<ReceivedMail> Messages => messages.ToArray();

    public static SmtpServer Start() => new();

    /// <summary>The next <paramref name="count"/> messages are refused at the end of DATA with <paramref name="code"/> (e.g. 451, 550).</summary>
    public void RefuseNext(int code, int count = 1)
    {
        for (var i = 0; i < count; i++)
        {
            refusals.Enqueue(code);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        try
        {
            await accepting;
        }
        catch (Exception)
        {
        }
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stopping.Token);
            }
            catch (Exception)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        await using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        string from = string.Empty;
        var to = new List<string>();
        try
        {
            await writer.WriteLineAsync("220 smtp.test ESMTP ready");
            while (await reader.ReadLineAsync(stopping.Token) is { } line)
            {
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await writer.WriteLineAsync("250-smtp.test");
                        await writer.WriteLineAsync("250 8BITMIME");
                        break;
                    case "HELO":
                    case "NOOP":
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "RSET":
                        from = string.Empty;
                        to.Clear();
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "MAIL":
                        from = Address(line);
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "RCPT":
                        to.Add(Address(line));
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                        var data = new StringBuilder();
                        while (await reader.ReadLineAsync(stopping.Token) is { } dataLine && dataLine != ".")
                        {
                            data.Append(dataLine.StartsWith("..", StringComparison.Ordinal) ? dataLine[1..] : dataLine).Append("\r\n");
                        }

                        if (refusals.TryDequeue(out var code))
                        {
                            await writer.WriteLineAsync($"{code} {(code >= 500 ? "5.7.1 refused" : "4.3.0 try again later")}");
                        }
                        else
                        {
                            messages.Enqueue(new ReceivedMail(from, to.ToArray(), data.ToString()));
                            await writer.WriteLineAsync("250 OK queued");
                        }

                        from = string.Empty;
                        to.Clear();
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 Bye");
                        return;
                    default:
                        await writer.WriteLineAsync("502 Command not implemented");
                        break;
                }
            }
        }
        catch (Exception) when (stopping.IsCancellationRequested)
        {
        }
        catch (IOException)
        {
        }
    }

    private static string Address(string line)
    {
        var start = line.IndexOf('<', StringComparison.Ordinal);
        var end = line.IndexOf('>', StringComparison.Ordinal);
        return start >= 0 && end > start ? line[(start + 1)..end] : line;
    }
}
