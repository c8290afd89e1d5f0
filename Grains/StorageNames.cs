namespace Monitoring.Grains;

/// <summary>Names of the Orleans grain storage providers the grains use.</summary>
public static class StorageNames
{
    /// <summary>Holds each service's uptime window snapshot.</summary>
    public const string Uptime = "uptime";
}
