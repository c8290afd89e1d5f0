using System.Net;

namespace Monitoring.Grains.Delivery;

/// <summary>
/// How one attempt ended. <see cref="Accepted"/>: the receiver took it (2xx, or the SMTP server accepted the
/// message). <see cref="Final"/>: no retry (a 4xx other than 408, 409 and 429, or a permanent SMTP refusal).
/// <see cref="DisableChannel"/>: a 410, the receiver is gone for good.
/// </summary>
public sealed record AttemptResult(bool Accepted, int? StatusCode, string? Error, bool Final = false, bool DisableChannel = false, TimeSpan? RetryAfter = null)
{
    public static AttemptResult Sent(int statusCode) => new(true, statusCode, null);

    /// <summary>No answer (refused, reset, timed out): tried again later.</summary>
    public static AttemptResult NoAnswer(string error) => new(false, null, error);

    /// <summary>Classifies an HTTP answer by alerting.md's rules.</summary>
    public static AttemptResult FromHttp(HttpStatusCode status, TimeSpan? retryAfter, string? reason)
    {
        var code = (int)status;
        if (code is >= 200 and < 300)
        {
            return Sent(code);
        }

        var error = $"HTTP {code}{(string.IsNullOrWhiteSpace(reason) ? string.Empty : " " + reason)}";
        var final = code is >= 400 and < 500 && code is not (408 or 409 or 429);
        return new AttemptResult(false, code, error, final, code == 410, final ? null : retryAfter);
    }
}
