namespace Monitoring.Grains.Checking;

/// <summary>
/// What a check saw, before classification: the status code and the first bytes of the body, or the
/// transport failure; and how long it took. <see cref="BodyError"/> says why an answer's body could not be
/// read or decoded (a lying Content-Encoding, a broken chunked stream); its status code still counts.
/// </summary>
public sealed record HttpObservation(
    int? StatusCode,
    int ResponseTimeMs,
    ReadOnlyMemory<byte> Body,
    TransportFailure Failure = TransportFailure.None,
    string? FailureDetail = null,
    string? BodyError = null)
{
    public static HttpObservation Failed(TransportFailure failure, int responseTimeMs, string? detail = null) =>
        new(null, responseTimeMs, ReadOnlyMemory<byte>.Empty, failure, detail);
}
