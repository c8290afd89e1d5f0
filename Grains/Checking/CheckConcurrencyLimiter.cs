using Microsoft.Extensions.Options;

namespace Monitoring.Grains.Checking;

/// <summary>
/// The silo's check slots (<see cref="CheckOptions.MaxConcurrentChecks"/>): the check runner holds one from a check's
/// first request to its classified result (both attempts, when a silo's pause makes it run again).
/// A scheduled check may wait for a slot long after the admission let it in (a saturated silo has thousands waiting);
/// when it gets one while the result writer is congested (<paramref name="storeCongested"/>, see
/// <c>StatusWriter.Congested</c>), it is given up instead of run, as the admission would have done: its result would be
/// refused. Manual checks always get their slot.
/// </summary>
public sealed class CheckConcurrencyLimiter(IOptions<CheckOptions> options, Func<bool>? storeCongested = null) : IDisposable
{
    private readonly SemaphoreSlim slots = new(options.Value.MaxConcurrentChecks, options.Value.MaxConcurrentChecks);
    private readonly Func<bool> storeCongested = storeCongested ?? (() => false);

    /// <summary>
    /// Waits for a slot. Null when <paramref name="scheduled"/> and the writer became congested meanwhile (the slot is
    /// handed back at once; the caller counts the occurrence as skipped). Throws <see cref="OperationCanceledException"/>
    /// when <paramref name="cancellationToken"/> fires first.
    /// </summary>
    public async ValueTask<Slot?> AcquireAsync(bool scheduled, CancellationToken cancellationToken)
    {
        await slots.WaitAsync(cancellationToken);
        if (scheduled && storeCongested())
        {
            slots.Release();
            return null;
        }

        return new Slot(slots);
    }

    public void Dispose() => slots.Dispose();

    public readonly struct Slot(SemaphoreSlim slots) : IDisposable
    {
        public void Dispose() => slots.Release();
    }
}
