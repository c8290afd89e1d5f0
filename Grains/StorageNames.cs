namespace Monitoring.Grains;

/// <summary>Names of the Orleans grain storage providers the grains use, and of the states they keep there.</summary>
public static class StorageNames
{
    /// <summary>Holds each service's uptime window snapshot (<see cref="Fleet.PrefetchedGrainStorage"/> over <see cref="UptimeTable"/>).</summary>
    public const string Uptime = "uptime";

    /// <summary>Orleans' ADO.NET grain storage behind <see cref="Uptime"/>: the orleansstorage table.</summary>
    public const string UptimeTable = "uptime-table";

    /// <summary>The name of a service grain's state in <see cref="Uptime"/> (Orleans stores it as the grain type string).</summary>
    public const string MonitorState = "monitor";
}
