using Microsoft.Extensions.Hosting;

namespace Monitoring.Grains.Fleet;

/// <summary>
/// Completes when the host has started: Orleans' lifecycle and every hosted service after it (the schedule
/// keeper's first sweep among them). A silo is Active in the membership table well before that.
/// </summary>
public sealed class SiloStartup
{
    private readonly TaskCompletionSource started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SiloStartup(IHostApplicationLifetime lifetime) => lifetime.ApplicationStarted.Register(() => started.TrySetResult());

    /// <summary>Completes once the host has started.</summary>
    public Task Started => started.Task;
}
