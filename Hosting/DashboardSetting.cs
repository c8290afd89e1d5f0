using Microsoft.Extensions.Configuration;
using Monitoring.Sql;

namespace Monitoring.Hosting;

/// <summary>
/// <c>Dashboard__Enabled</c> (default <c>true</c>): whether a silo runs the Orleans dashboard's grain services and a
/// gateway serves its pages under <c>/dashboard</c>. The dashboard samples the silo's Orleans counters every second, and
/// two of them count every activation: 17 % of a silo's CPU with 50,000 services (perf, docs/PERFORMANCE.md), more as the
/// fleet grows. A silo with more than about 100,000 services runs without it (set it on silos and gateways alike).
/// </summary>
public static class DashboardSetting
{
    /// <summary>The setting's name as an environment variable.</summary>
    public const string Name = "Dashboard__Enabled";

    /// <summary>The setting's value; anything but true or false is refused.</summary>
    /// <exception cref="SettingException">The value is not a boolean.</exception>
    public static bool Enabled(IConfiguration configuration)
    {
        var value = configuration["Dashboard:Enabled"];
        if (string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        return bool.TryParse(value, out var enabled) ? enabled : throw new SettingException(Name, $"must be true or false, not '{value}'");
    }
}
