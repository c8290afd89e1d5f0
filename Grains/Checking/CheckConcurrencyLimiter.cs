using Microsoft.Extensions.Options;

namespace Monitoring.Grains.Checking;

/// <summary>
/// The silo's check slots (<see cref="CheckOptions.MaxConcurrentChecks"/>), so hanging targets cannot exhaust sockets:
/// the check runner holds one from a check's first request to its classified result (both attempts, when a silo's pause
/// makes it run again).
/// </summary>
public sealed class CheckConcurrencyLimiter(IOptions<CheckOptions> options) : IDisposable
{
    private readonly SemaphoreSlim slots = new(options.Value.MaxConcurrentChecks, options.Value.MaxConcurrentChecks);

    /// <summary>Waits for a slot; throws <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires first.</summary>
    public async ValueTask<Slot> AcquireAsync(CancellationToken cancellationToken)
    {
        await slots.WaitAsync(cancellationToken);
        return new Slot(slots);
    }

    public void Dispose() => slots.Dispose();

    public readonly struct Slot(SemaphoreSlim slots) : IDisposable
    {
        public void Dispose() => slots.Release();
    }
}
