using System.Runtime;
using Monitoring.Sql;

namespace Monitoring.Silo;

/// <summary>
/// Runtime__GcLatencyMode: how the silo's garbage collector trades its pauses for memory, as
/// <see cref="GCSettings.LatencyMode"/>. <c>Interactive</c> is .NET's default with background collections, which may
/// still stop the silo for a blocking collection of the whole old generation (on the workstation collector, which the
/// silo ran until issue 16's thirteenth part: 5 to 25 s at a million services). <c>SustainedLowLatency</c> leaves out
/// those foreground full collections and collects
/// the old generation only in the background, unless memory runs short ("Latency modes",
/// learn.microsoft.com/dotnet/standard/garbage-collection/latency). Set for the silo process only, at start.
/// </summary>
public static class GcLatencySetting
{
    /// <summary>The mode when Runtime__GcLatencyMode is not set.</summary>
    public const GCLatencyMode Default = GCLatencyMode.Interactive;

    /// <summary>Runtime__GcLatencyMode (Interactive or SustainedLowLatency, any case), or <see cref="Default"/>.</summary>
    /// <exception cref="SettingException">Another value.</exception>
    public static GCLatencyMode Read(IConfiguration configuration)
    {
        var value = configuration["Runtime:GcLatencyMode"];
        if (string.IsNullOrWhiteSpace(value))
        {
            return Default;
        }

        return value.Trim().ToLowerInvariant() switch
        {
            "interactive" => GCLatencyMode.Interactive,
            "sustainedlowlatency" => GCLatencyMode.SustainedLowLatency,
            _ => throw new SettingException("Runtime__GcLatencyMode", $"must be Interactive or SustainedLowLatency, not '{value}'"),
        };
    }
}
