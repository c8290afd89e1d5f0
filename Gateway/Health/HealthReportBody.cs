using System.Text.Json.Serialization;

namespace Monitoring.Gateway.Health;

/// <summary>
/// The body of /health, in the format the monitor expects of others: a top-level status and one entry
/// per dependency under <c>checks</c>.
/// </summary>
public sealed record HealthReportBody(
    string Status,
    DateTimeOffset Timestamp,
    string Version,
    double Uptime,
    IReadOnlyDictionary<string, HealthCheckBody> Checks);

/// <summary>One dependency's result; <see cref="Silo"/> names the silo that answered the cluster check.</summary>
public sealed record HealthCheckBody(
    string Status,
    double ResponseTimeMs,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Silo = null);
