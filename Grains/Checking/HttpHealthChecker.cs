using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Microsoft.Extensions.Options;

namespace Monitoring.Grains.Checking;

/// <summary>
/// Sends one health check through the silo's shared, pooled HTTP handlers (one verifying certificates, one not):
/// redirects are followed only when asked, hop by hop (see <see cref="HealthCheckRequest"/>), at most
/// <see cref="CheckOptions.MaxBodyBytes"/> of the final body are read, and every failure (timeout, DNS, refused,
/// TLS) comes back as an observation, never as an exception.
/// </summary>
public sealed class HttpHealthChecker
{
    /// <summary>The named HTTP client of checks that verify the server certificate.</summary>
    public const string ClientName = "health-checks";

    /// <summary>The named HTTP client of checks with tls_verify false: any server certificate is accepted (and still read).</summary>
    public const string InsecureClientName = "health-checks-insecure";

    /// <summary>The Accept sent unless the check gives its own, spelled as .NET writes the parsed value back.</summary>
    public const string DefaultAccept = "application/json, */*; q=0.8";

    private readonly IOptions<CheckOptions> options;
    private readonly TimeProvider time;
    private readonly CertificateCache certificates;

    // One invoker per handler for the silo's life: the handlers are never rotated (their lifetime is infinite), and an
    // HttpClient per check allocated a client and linked one more cancellation source for every check, for nothing.
    private readonly Lazy<HttpMessageInvoker> verifying;
    private readonly Lazy<HttpMessageInvoker> insecure;

    public HttpHealthChecker(IHttpMessageHandlerFactory handlers, IOptions<CheckOptions> options, TimeProvider time, CertificateCache certificates)
    {
        this.options = options;
        this.time = time;
        this.certificates = certificates;
        verifying = new(() => new HttpMessageInvoker(handlers.CreateHandler(ClientName), disposeHandler: false));
        insecure = new(() => new HttpMessageInvoker(handlers.CreateHandler(InsecureClientName), disposeHandler: false));
    }

    public async Task<HttpObservation> CheckAsync(HealthCheckRequest request, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(request.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        var started = time.GetTimestamp();
        int Elapsed() => (int)Math.Min(int.MaxValue, time.GetElapsedTime(started).TotalMilliseconds);

        // The failure happened when the timeout expired; timers may fire a hair early by the stopwatch.
        HttpObservation TimedOut() => HttpObservation.Failed(TransportFailure.Timeout, Math.Max(Elapsed(), (int)request.Timeout.TotalMilliseconds));

        var client = (request.TlsVerify ? verifying : insecure).Value;
        var url = request.Endpoint;
        var method = request.Method;
        var body = request.Body;
        HttpRequestMessage? message = null;
        HttpResponseMessage? response = null;
        try
        {
            for (var redirects = 0; ; redirects++)
            {
                message = Compose(request, url, method, body);
                // An invoker answers once the headers are read; the body is streamed (read below, up to the limit).
                response = await client.SendAsync(message, linked.Token);
                if (!request.FollowRedirects || redirects == HealthCheckRequest.MaxRedirects || NextHop(response, url, method) is not { } next)
                {
                    break;
                }

                response.Dispose();
                message.Dispose();
                (url, method) = (next.Url, next.Method);
                body = next.KeepsBody ? body : null;
            }

            var status = (int)response.StatusCode;
            var headers = request.CaptureHeaders ? HeadersOf(response) : null;
            var notAfter = url.Scheme == Uri.UriSchemeHttps ? certificates.Find(url.IdnHost, url.Port) : null;
            try
            {
                var content = await ReadPrefixAsync(response.Content, options.Value.MaxBodyBytes, linked.Token);
                return new HttpObservation(status, Elapsed(), BodyText.ToUtf8(content, response.Content.Headers.ContentType?.CharSet),
                    Headers: headers, CertificateNotAfter: notAfter);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The answer came, its body did not decode (a lying Content-Encoding, a cut chunked stream):
                // keep the status code and say why the body is missing.
                return new HttpObservation(status, Elapsed(), ReadOnlyMemory<byte>.Empty, BodyError: $"body could not be read: {TransportFailures.Innermost(ex).Message}",
                    Headers: headers, CertificateNotAfter: notAfter);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return TimedOut();
        }
        catch (HttpRequestException) when (linked.IsCancellationRequested)
        {
            // A failure that raced the cancellation counts as the cancellation, as HttpClient made it: the timeout's, or
            // the caller's (the service removed or its grain going), which stores nothing.
            cancellationToken.ThrowIfCancellationRequested();
            return TimedOut();
        }
        catch (HttpRequestException ex)
        {
            return HttpObservation.Failed(Classify(ex), Elapsed(), TransportFailures.Describe(ex));
        }
        catch (IOException ex)
        {
            return HttpObservation.Failed(ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset } ? TransportFailure.ConnectionReset : TransportFailure.Other, Elapsed(), ex.Message);
        }
        finally
        {
            response?.Dispose();
            message?.Dispose();
        }
    }

    /// <summary>
    /// One hop's request: our User-Agent and Accept unless the check sets its own, the check's headers and Basic Auth
    /// only while <paramref name="url"/> is on the endpoint's origin (scheme, host and port), the body when it is still sent.
    /// </summary>
    private HttpRequestMessage Compose(HealthCheckRequest request, Uri url, HttpMethod method, string? body)
    {
        var message = new HttpRequestMessage(method, url);
        var sameOrigin = SameOrigin(url, request.Endpoint);
        string? contentType = null;
        List<KeyValuePair<string, string>>? contentHeaders = null;
        var userAgentGiven = false;
        var acceptGiven = false;
        foreach (var (name, value) in request.Headers ?? [])
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                // It describes the body, so it goes wherever the body goes.
                contentType ??= value;
            }
            else if (sameOrigin && !name.Equals("Host", StringComparison.OrdinalIgnoreCase) && !name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                && !IsEmptyAccept(name, value))
            {
                if (message.Headers.TryAddWithoutValidation(name, value))
                {
                    userAgentGiven |= name.Equals("User-Agent", StringComparison.OrdinalIgnoreCase);
                    acceptGiven |= name.Equals("Accept", StringComparison.OrdinalIgnoreCase);
                }
                else
                {
                    // A content header (Content-Language, …): only with a body.
                    (contentHeaders ??= []).Add(new(name, value));
                }
            }
        }

        // Added as text, not parsed into header values for every check (the configured User-Agent is checked once, at
        // start); the check's own headers go out exactly as given.
        if (!userAgentGiven)
        {
            message.Headers.TryAddWithoutValidation("User-Agent", options.Value.UserAgent);
        }

        if (!acceptGiven)
        {
            message.Headers.TryAddWithoutValidation("Accept", DefaultAccept);
        }

        if (sameOrigin && (request.Username is not null || request.Password is not null))
        {
            var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{request.Username}:{request.Password}"));
            message.Headers.Remove("Authorization");
            message.Headers.Authorization = new AuthenticationHeaderValue("Basic", credentials);
        }

        if (body is not null)
        {
            message.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            message.Content.Headers.TryAddWithoutValidation("Content-Type", contentType ?? HealthCheckRequest.DefaultContentType);
            foreach (var (name, value) in contentHeaders ?? [])
            {
                message.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return message;
    }

    /// <summary>
    /// Where a redirect answer leads: 301, 302, 303, 307 or 308 with a Location (relative to <paramref name="url"/>)
    /// on http or https; 303, and 301 or 302 after a POST, become a GET without body (a HEAD stays a HEAD). Null for
    /// any other answer, which is then the final one.
    /// </summary>
    private static (Uri Url, HttpMethod Method, bool KeepsBody)? NextHop(HttpResponseMessage response, Uri url, HttpMethod method)
    {
        if (response.Headers.Location is not { } location || !Uri.TryCreate(url, location, out var next)
            || (next.Scheme != Uri.UriSchemeHttp && next.Scheme != Uri.UriSchemeHttps))
        {
            return null;
        }

        return (int)response.StatusCode switch
        {
            303 when method != HttpMethod.Head => (next, HttpMethod.Get, false),
            301 or 302 when method == HttpMethod.Post => (next, HttpMethod.Get, false),
            301 or 302 or 303 or 307 or 308 => (next, method, true),
            _ => null,
        };
    }

    /// <summary>An Accept with no media range in it (blank, or only commas): left out, and ours sent instead, as when it was parsed.</summary>
    private static bool IsEmptyAccept(string name, string value) =>
        name.Equals("Accept", StringComparison.OrdinalIgnoreCase) && value.AsSpan().Trim(" \t,").IsEmpty;

    private static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;

    private static Dictionary<string, string> HeadersOf(HttpResponseMessage response)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var group in new[] { response.Headers.NonValidated, response.Content.Headers.NonValidated })
        {
            foreach (var (name, values) in group)
            {
                var joined = values.ToString();
                headers[name] = headers.TryGetValue(name, out var earlier) ? $"{earlier}, {joined}" : joined;
            }
        }

        return headers;
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
        if (TransportFailures.FindInner<DeniedAddressException>(ex) is not null)
        {
            return TransportFailure.Denied;
        }

        return ex.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => TransportFailure.NameResolution,
            HttpRequestError.SecureConnectionError => TransportFailure.Tls,
            _ when TransportFailures.FindInner<AuthenticationException>(ex) is not null => TransportFailure.Tls,
            _ => TransportFailures.FindInner<SocketException>(ex)?.SocketErrorCode is { } code && TransportFailures.FromSocketError(code) is not TransportFailure.Other and var failure
                ? failure
                : ex.HttpRequestError == HttpRequestError.ResponseEnded ? TransportFailure.ConnectionReset : TransportFailure.Other,
        };
    }
}
