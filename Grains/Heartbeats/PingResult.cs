using Monitoring.Grains.Checking;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Grains.Heartbeats;

/// <summary>The result a report stores (monitors.md, "heartbeat"): up for a ping or exit status 0, down for /fail or 1–255.</summary>
public static class PingResult
{
    /// <summary>How much of a /fail body the error keeps, in UTF-16 units (the gateway passes at most 1 KiB of bytes).</summary>
    public const int MaxBodyText = 1024;

    /// <summary>
    /// The result of <paramref name="report"/> received at <paramref name="now"/>; response_time_ms is the time since
    /// <paramref name="runStartedAt"/> (the latest /start of this run), else 0. Not for <see cref="PingKind.Start"/>.
    /// </summary>
    public static CheckResult Of(PingReport report, DateTimeOffset now, DateTimeOffset? runStartedAt)
    {
        var runTime = runStartedAt is { } started && started <= now ? (int)Math.Min(int.MaxValue, (now - started).TotalMilliseconds) : 0;
        var body = string.IsNullOrWhiteSpace(report.BodyText) ? null : report.BodyText.Trim();
        if (body is { Length: > MaxBodyText })
        {
            body = body[..MaxBodyText];
        }

        return report switch
        {
            { Kind: PingKind.Success } or { ExitStatus: 0 } => new CheckResult(HealthStatus.Up, null, runTime, null, null, null),
            { ExitStatus: { } status } => new CheckResult(HealthStatus.Down, null, runTime, null, $"exit status {status}" + (body is null ? string.Empty : $": {body}"), null),
            _ => new CheckResult(HealthStatus.Down, null, runTime, null, "reported failure" + (body is null ? string.Empty : $": {body}"), null),
        };
    }
}
