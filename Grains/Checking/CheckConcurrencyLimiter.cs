using Microsoft.Extensions.Options;

namespace Monitoring.Grains.Checking;

/// <summary>Bounds the checks in flight on one silo, so hanging targets cannot exhaust sockets.</summary>
public sealed class CheckConcurrencyLimiter(IOptions<CheckOptions> options) : IDisposable
{
    private readonly SemaphoreSlim slots = new(options.Value.MaxConcurrentChecks, options.Value.MaxConcurrentChecks);

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
