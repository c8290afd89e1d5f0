namespace Monitoring.Grains.Checking;

/// <summary>
/// What a check saw, before classification: the status code and the first bytes of the body, or the
/// transport failure; and how long it took. <see cref="BodyError"/> says why an answer's body could not be
/// read or decoded (a lying Content-Encoding, a broken chunked stream); its status code still counts.
/// A TCP check has no status code: it <see cref="Reached"/> the target when the connection (and handshake) completed.
/// </summary>
/// <param name="StatusCode">The final answer's status code; null without an HTTP answer (and always for TCP).</param>
/// <param name="ResponseTimeMs">Milliseconds to the full answer (every redirect hop), to the connection (and
/// handshake) for TCP, or to the failure.</param>
/// <param name="Headers">The final answer's response and content headers, case-insensitive names, repeated values
/// joined with ", "; null without an answer.</param>
/// <param name="CertificateNotAfter">The server certificate's notAfter (UTC) when the final answer came over TLS,
/// also when it was not verified.</param>
public sealed record HttpObservation(
    int? StatusCode,
    int ResponseTimeMs,
    ReadOnlyMemory<byte> Body,
    TransportFailure Failure = TransportFailure.None,
    string? FailureDetail = null,
    string? BodyError = null,
    IReadOnlyDictionary<string, string>? Headers = null,
    DateTimeOffset? CertificateNotAfter = null)
{
    /// <summary>True when the target answered (HTTP) or the connection and handshake completed (TCP): no transport failure.</summary>
    public bool Reached => Failure == TransportFailure.None;

    public static HttpObservation Failed(TransportFailure failure, int responseTimeMs, string? detail = null) =>
        new(null, responseTimeMs, ReadOnlyMemory<byte>.Empty, failure, detail);

    /// <summary>A TCP check that connected (and completed its TLS handshake, whose certificate expires at <paramref name="certificateNotAfter"/>).</summary>
    public static HttpObservation Connected(int responseTimeMs, DateTimeOffset? certificateNotAfter = null) =>
        new(null, responseTimeMs, ReadOnlyMemory<byte>.Empty, CertificateNotAfter: certificateNotAfter);
}
