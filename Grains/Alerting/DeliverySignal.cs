namespace Monitoring.Grains.Alerting;

/// <summary>
/// Wakes this silo's delivery dispatcher when a transaction queued deliveries here, so a triggered notice does
/// not wait for the next poll. Other silos' dispatchers find it by polling.
/// </summary>
public sealed class DeliverySignal
{
    private TaskCompletionSource raised = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Raise() => raised.TrySetResult();

    /// <summary>Completes when <see cref="Raise"/> is called (or was since the last wait) or after <paramref name="timeout"/>.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var current = raised;
        try
        {
            await current.Task.WaitAsync(timeout, time, cancellationToken);
        }
        catch (TimeoutException)
        {
        }

        Interlocked.CompareExchange(ref raised, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), current);
    }
}
