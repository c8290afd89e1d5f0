namespace Monitoring.Grains.Conditions;

/// <summary>
/// What a check saw, as conditions read it: the status code, the response time in ms, the body (the first 64 KiB as
/// text), whether an answer came, the certificate's time left (null without TLS) and the response headers.
/// </summary>
public sealed record ConditionContext(
    int? StatusCode,
    int ResponseTimeMs,
    string? Body,
    bool Connected,
    TimeSpan? CertificateExpiresIn,
    IReadOnlyDictionary<string, string> Headers);
