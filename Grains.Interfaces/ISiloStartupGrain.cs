namespace Monitoring.Grains.Interfaces;

/// <summary>
/// Tells whether a silo has finished starting (Orleans and every hosted service: its first schedule sweep
/// included). Keyed by the silo's parsable address and placed there with a placement hint; a stopping silo
/// asks it before handing its services over, so they do not land on a silo still warming up.
/// </summary>
[Alias("monitoring.silo-startup")]
public interface ISiloStartupGrain : IGrainWithStringKey
{
    /// <summary>
    /// True once the silo this activation runs on has started, waiting at most <paramref name="within"/>; false when it
    /// has not by then, or when this activation is not on the silo its key names.
    /// </summary>
    [Alias("wait-started")]
    Task<bool> WaitStartedAsync(TimeSpan within);
}
