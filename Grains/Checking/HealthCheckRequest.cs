using System.Globalization;
using System.Text;

namespace Monitoring.Grains.Checking;

/// <summary>
/// What one HTTP check sends: the endpoint, the method (GET, HEAD or POST), the timeout for the whole check
/// (every redirect hop included), the decrypted Basic Auth credentials, and the extras of the monitors contract.
/// </summary>
/// <param name="Body">Sent as is, UTF-8 encoded, when not null (the contract allows it for POST only). Its
/// Content-Type is the value of a <see cref="Headers"/> entry named Content-Type, else <see cref="DefaultContentType"/>.</param>
/// <param name="Headers">Request headers, in order, added without validation; a Content-Type goes on the body
/// (and is dropped without one); Host and Content-Length are ignored (validation refuses them).</param>
/// <param name="FollowRedirects">Follow 301, 302, 303, 307 and 308 up to <see cref="MaxRedirects"/> hops; the
/// final answer counts. Credentials and <see cref="Headers"/> go only to hops on the endpoint's origin.</param>
/// <param name="TlsVerify">False accepts any server certificate (self-signed, expired, wrong name); it is still read.</param>
/// <param name="CaptureHeaders">Whether the answer's headers are collected into <see cref="HttpObservation.Headers"/>
/// (conditions read them; without conditions nothing does, and a dictionary per check is not made).</param>
public sealed record HealthCheckRequest(
    Uri Endpoint,
    HttpMethod Method,
    TimeSpan Timeout,
    string? Username = null,
    string? Password = null,
    string? Body = null,
    IReadOnlyList<KeyValuePair<string, string>>? Headers = null,
    bool FollowRedirects = false,
    bool TlsVerify = true,
    bool CaptureHeaders = true)
{
    /// <summary>The Content-Type of a body when no Content-Type header is given.</summary>
    public const string DefaultContentType = "text/plain; charset=utf-8";

    /// <summary>Redirects followed at most; when the answer after the fifth is a redirect again, its status counts.</summary>
    public const int MaxRedirects = 5;

    // Records print every property; this one must never print the password, nor header values (they carry tokens).
    public override string ToString()
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{Method} {Endpoint} (timeout {Timeout.TotalMilliseconds} ms");
        if (Username is not null || Password is not null)
        {
            text.Append(", basic auth");
        }

        if (Headers is { Count: > 0 } headers)
        {
            text.Append(CultureInfo.InvariantCulture, $", headers {string.Join(", ", headers.Select(h => h.Key))}");
        }

        if (Body is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $", body {Body.Length} chars");
        }

        if (FollowRedirects)
        {
            text.Append(", follows redirects");
        }

        if (!TlsVerify)
        {
            text.Append(", TLS not verified");
        }

        return text.Append(')').ToString();
    }
}
