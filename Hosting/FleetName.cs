using Microsoft.Extensions.Configuration;

namespace Monitoring.Hosting;

/// <summary>The fleet's Orleans names (Orleans:ClusterId, Orleans:ServiceId, both "monitoring" by default): silos and clients with the same names form one cluster.</summary>
public sealed record FleetName(string ClusterId, string ServiceId)
{
    public static FleetName Read(IConfiguration configuration) => new(
        configuration["Orleans:ClusterId"] is { Length: > 0 } cluster ? cluster : "monitoring",
        configuration["Orleans:ServiceId"] is { Length: > 0 } service ? service : "monitoring");
}
