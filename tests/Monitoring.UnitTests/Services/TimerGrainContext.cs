using Monitoring.Grains.Services;
using Orleans.Runtime;

namespace Monitoring.UnitTests.Services;

/// <summary>
/// A stand-in for the three members of Orleans' grain context a <see cref="CheckTimer"/> uses (queued work runs at
/// once, or when told with <see cref="Hold"/>; <see cref="Deactivated"/> counts its reads); anything else throws.
/// </summary>
internal sealed class TimerGrainContext : IGrainContext, IWorkItemScheduler
{
    private readonly List<(Action<object> Action, object State)> held = [];

    public int DeactivatedReads { get; private set; }

    public TaskCompletionSource DeactivatedSource { get; } = new();

    public Task Deactivated
    {
        get
        {
            DeactivatedReads++;
            return DeactivatedSource.Task;
        }
    }

    public IWorkItemScheduler Scheduler => this;

    /// <summary>Whether queued work waits for <see cref="RunHeld"/> (a grain busy with another turn) instead of running at once.</summary>
    public bool Hold { get; set; }

    /// <summary>Runs the work held so far, in the order it was queued.</summary>
    public void RunHeld()
    {
        var queued = held.ToList();
        held.Clear();
        foreach (var (action, state) in queued)
        {
            action(state);
        }
    }

    public void QueueAction(Action<object> action, object state)
    {
        if (Hold)
        {
            held.Add((action, state));
        }
        else
        {
            action(state);
        }
    }

    public void QueueAction(Action action) => action();

    public void QueueTask(Task task) => throw new NotSupportedException();

    public void Deactivate(DeactivationReason deactivationReason, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public GrainReference GrainReference => throw new NotSupportedException();

    public GrainId GrainId => throw new NotSupportedException();

    public object? GrainInstance => throw new NotSupportedException();

    public ActivationId ActivationId => throw new NotSupportedException();

    public GrainAddress Address => throw new NotSupportedException();

    public IServiceProvider ActivationServices => throw new NotSupportedException();

    public IGrainLifecycle ObservableLifecycle => throw new NotSupportedException();

    public void Activate(Dictionary<string, object>? requestContext, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public bool Equals(IGrainContext? other) => ReferenceEquals(this, other);

    public object? GetComponent(Type componentType) => throw new NotSupportedException();

    public object? GetTarget() => throw new NotSupportedException();

    public void Migrate(Dictionary<string, object>? requestContext, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public void ReceiveMessage(object message) => throw new NotSupportedException();

    public void Rehydrate(IRehydrationContext context) => throw new NotSupportedException();

    public void SetComponent<TComponent>(TComponent? value) where TComponent : class => throw new NotSupportedException();
}

/// <summary>Counts the timer's ticks.</summary>
internal sealed class TimerOwner : ICheckTimerOwner
{
    public int Ticks { get; private set; }

    public Task OnTickAsync()
    {
        Ticks++;
        return Task.CompletedTask;
    }

    public void KeepAlive(TimeSpan period)
    {
    }
}
