using Microsoft.Extensions.Configuration;
using Monitoring.Sql;

namespace Monitoring.Hosting;

/// <summary>
/// Where and how <c>/metrics</c> is served. <see cref="Key"/> (METRICS_KEY): when set, a scrape needs it as
/// <c>Authorization: Bearer &lt;key&gt;</c>. <see cref="Port"/> (METRICS_PORT, default 9464; 0 picks a free one): the
/// silo's own HTTP port for it (the gateway serves it on its API port instead).
/// </summary>
public sealed record MetricsSettings(string? Key, int Port)
{
    /// <summary>The port a silo serves /metrics on unless METRICS_PORT says otherwise (Prometheus' registered exporter port).</summary>
    public const int DefaultPort = 9464;

    public static MetricsSettings Read(IConfiguration configuration) => new(
        string.IsNullOrWhiteSpace(configuration["METRICS_KEY"]) ? null : configuration["METRICS_KEY"]!.Trim(),
        ReadPort(configuration["METRICS_PORT"]));

    private static int ReadPort(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return DefaultPort;
        }

        return int.TryParse(value, out var port) && port is >= 0 and < 65536
            ? port
            : throw new SettingException("METRICS_PORT", $"must be a TCP port (0-65535), not '{value}'");
    }
}
