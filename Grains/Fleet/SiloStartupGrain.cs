using Monitoring.Grains.Interfaces;

namespace Monitoring.Grains.Fleet;

/// <summary>Answers <see cref="ISiloStartupGrain"/> for the silo it runs on; goes away once it has answered.</summary>
public sealed class SiloStartupGrain(SiloStartup startup, ILocalSiloDetails self) : Grain, ISiloStartupGrain
{
    public async Task<bool> WaitStartedAsync(TimeSpan within)
    {
        DeactivateOnIdle();
        if (this.GetPrimaryKeyString() != self.SiloAddress.ToParsableString())
        {
            return false;
        }

        try
        {
            await startup.Started.WaitAsync(within);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
