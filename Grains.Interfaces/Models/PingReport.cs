namespace Monitoring.Grains.Interfaces.Models;

/// <summary>What a heartbeat's job reported (monitors.md): success, failure (also an exit status 1–255), or the start of a run.</summary>
public enum PingKind
{
    Success,
    Fail,
    Start,
}

/// <summary>
/// One request to <c>/ping/{token}</c>, as the gateway forwards it: the SHA-256 of the token (the token itself never
/// leaves the gateway), the kind, the exit status when one was given, and the first 1 KiB of the body as text.
/// </summary>
[GenerateSerializer, Immutable, Alias("ping-report")]
public sealed record PingReport(
    [property: Id(0)] byte[] TokenHash,
    [property: Id(1)] PingKind Kind,
    [property: Id(2)] int? ExitStatus,
    [property: Id(3)] string? BodyText)
{
    /// <summary>Never prints the hash or the body.</summary>
    public override string ToString() => $"ping {Kind}{(ExitStatus is { } status ? $" (exit status {status})" : string.Empty)}";
}
