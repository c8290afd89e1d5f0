using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Microsoft.Extensions.Options;

namespace Monitoring.Grains.Checking;

/// <summary>
/// Sends one health check through the silo's shared, pooled HTTP client: redirects are not followed,
/// at most <see cref="CheckOptions.MaxBodyBytes"/> of the body are read, and every failure (timeout, DNS,
/// refused, TLS) comes back as an observation, never as an exception.
/// </summary>
public sealed class HttpHealthChecker(IHttpClientFactory clients, CheckConcurrencyLimiter limiter, IOptions<CheckOptions> options, TimeProvider time)
{
    public const string ClientName = "health-checks";

    public async Task<HttpObservation> CheckAsync(HealthCheckRequest request, CancellationToken cancellationToken)
    {
        using var slot = await limiter.AcquireAsync(cancellationToken);
        using var timeout = new CancellationTokenSource(request.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        var started = time.GetTimestamp();
        int Elapsed() => (int)Math.Min(int.MaxValue, time.GetElapsedTime(started).TotalMilliseconds);

        try
        {
            using var message = new HttpRequestMessage(request.Method, request.Endpoint);
            message.Headers.UserAgent.ParseAdd(options.Value.UserAgent);
            message.Headers.Accept.ParseAdd("application/json, */*;q=0.8");
            if (request.Username is not null || request.Password is not null)
            {
                var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{request.Username}:{request.Password}"));
                message.Headers.Authorization = new AuthenticationHeaderValue("Basic", credentials);
            }

            using var response = await clients.CreateClient(ClientName).SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var status = (int)response.StatusCode;
            try
            {
                var body = await ReadPrefixAsync(response.Content, options.Value.MaxBodyBytes, linked.Token);
                return new HttpObservation(status, Elapsed(), BodyText.ToUtf8(body, response.Content.Headers.ContentType?.CharSet));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The answer came, its body did not decode (a lying Content-Encoding, a cut chunked stream):
                // keep the status code and say why the body is missing.
                return new HttpObservation(status, Elapsed(), ReadOnlyMemory<byte>.Empty, BodyError: $"body could not be read: {Innermost(ex).Message}");
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The failure happened when the timeout expired; timers may fire a hair early by the stopwatch.
            return HttpObservation.Failed(TransportFailure.Timeout, Math.Max(Elapsed(), (int)request.Timeout.TotalMilliseconds));
        }
        catch (HttpRequestException ex)
        {
            return HttpObservation.Failed(Classify(ex), Elapsed(), Describe(ex));
        }
        catch (IOException ex)
        {
            return HttpObservation.Failed(ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset } ? TransportFailure.ConnectionReset : TransportFailure.Other, Elapsed(), ex.Message);
        }
    }

    private static async Task<ReadOnlyMemory<byte>> ReadPrefixAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[Math.Min(maxBytes, content.Headers.ContentLength is { } length and >= 0 ? (int)Math.Min(length, maxBytes) : 4096)];
        var filled = 0;
        while (filled < maxBytes)
        {
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, Math.Min(maxBytes, buffer.Length * 2));
            }

            var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return buffer.AsMemory(0, filled);
    }

    private static TransportFailure Classify(HttpRequestException ex)
    {
        var socket = FindInner<SocketException>(ex);
        if (FindInner<DeniedAddressException>(ex) is not null)
        {
            return TransportFailure.Denied;
        }

        return ex.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => TransportFailure.NameResolution,
            HttpRequestError.SecureConnectionError => TransportFailure.Tls,
            _ when FindInner<AuthenticationException>(ex) is not null => TransportFailure.Tls,
            _ => socket?.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => TransportFailure.ConnectionRefused,
                SocketError.ConnectionReset or SocketError.ConnectionAborted => TransportFailure.ConnectionReset,
                SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => TransportFailure.NameResolution,
                SocketError.HostUnreachable or SocketError.NetworkUnreachable => TransportFailure.Unreachable,
                SocketError.TimedOut => TransportFailure.Timeout,
                _ => ex.HttpRequestError == HttpRequestError.ResponseEnded ? TransportFailure.ConnectionReset : TransportFailure.Other,
            },
        };
    }

    private static string Describe(HttpRequestException ex)
    {
        if (FindInner<DeniedAddressException>(ex) is { } denied)
        {
            return denied.Message;
        }

        var message = Innermost(ex).Message;
        return message.Length <= 200 ? message : message[..200];
    }

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex;
    }

    private static T? FindInner<T>(Exception ex)
        where T : Exception
    {
        for (var current = ex.InnerException; current is not null; current = current.InnerException)
        {
            if (current is T match)
            {
                return match;
            }
        }

        return null;
    }
}
