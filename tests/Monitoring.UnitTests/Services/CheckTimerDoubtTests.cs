using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Monitoring.Grains.Scheduling;
using Monitoring.Grains.Services;
using Orleans.Runtime;

namespace Monitoring.UnitTests.Services;

/// <summary>
/// When a service timer asks Orleans whether its activation is gone: only once the activation is in doubt
/// (<see cref="CheckTimer.DoubtActivation"/>), because Orleans keeps a deactivation record for every activation whose
/// <see cref="IGrainContext.Deactivated"/> was read. This is the timer's rule on its own, with a stand-in for the three
/// members of Orleans' grain context it uses. The grain's side (doubting a cancelled or failed activation) has no test
/// on the cluster: it would need an activation that outlasts Orleans' activation timeout.
/// </summary>
public sealed class CheckTimerDoubtTests
{
    /// <summary>The three things the timer uses of its grain's context; queued work runs at once. Anything else is not called.</summary>
    private sealed class Context : IGrainContext, IWorkItemScheduler
    {
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

        public void QueueAction(Action<object> action, object state) => action(state);

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

    private sealed class Owner : ICheckTimerOwner
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

    public enum Activation { Valid, InDoubtButValid, InDoubtAndGone }

    [Theory]
    [InlineData(Activation.Valid, 1, 0)]
    [InlineData(Activation.InDoubtButValid, 1, 1)]
    [InlineData(Activation.InDoubtAndGone, 0, 1)]
    public void A_due_timer_ticks_unless_its_doubted_activation_is_gone_and_asks_only_when_in_doubt(Activation activation, int ticks, int deactivatedReads)
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-01T10:00:00Z"));
        using var clock = new CheckClock(time);
        var context = new Context();
        var owner = new Owner();
        var timer = new CheckTimer(clock, context, owner, time, NullLogger.Instance);
        timer.Arm(new ScheduledCheck(time.GetUtcNow().AddSeconds(10), time.GetUtcNow().AddSeconds(10)));
        if (activation != Activation.Valid)
        {
            timer.DoubtActivation();
        }

        if (activation == Activation.InDoubtAndGone)
        {
            context.DeactivatedSource.SetResult();
        }

        time.Advance(TimeSpan.FromSeconds(9.999));
        Assert.Equal(0, owner.Ticks);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(ticks, owner.Ticks);
        Assert.Equal(deactivatedReads, context.DeactivatedReads);
    }
}
