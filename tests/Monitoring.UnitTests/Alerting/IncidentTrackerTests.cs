using Monitoring.Grains.Alerting;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.UnitTests.Alerting;

public sealed class IncidentTrackerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Each row: the rules, the statuses of consecutive results one second apart (u = up, g = degraded,
    /// d = down, m = down inside a maintenance window), and the change each result makes
    /// (. none, O opened, U updated, R resolved).
    /// </summary>
    [Theory]
    [InlineData(3, 2, AlertOn.Down, "ddd", "..O")]
    [InlineData(3, 2, AlertOn.Down, "ddud", "....")]
    [InlineData(3, 2, AlertOn.Down, "dddduu", "..OU.R")]
    [InlineData(3, 2, AlertOn.Down, "ddduduu", "..O.U.R")]
    [InlineData(1, 1, AlertOn.Down, "dudu", "OROR")]
    [InlineData(3, 2, AlertOn.Down, "ggggg", ".....")]
    [InlineData(3, 2, AlertOn.Degraded, "ggg", "..O")]
    [InlineData(3, 2, AlertOn.Degraded, "gdg", "..O")]
    [InlineData(2, 2, AlertOn.Down, "ddgguu", ".O.R..")]
    [InlineData(2, 2, AlertOn.Degraded, "ddgguu", ".OUU.R")]
    [InlineData(3, 2, AlertOn.Down, "dmmdd", "....O")]
    [InlineData(2, 2, AlertOn.Down, "ddumu", ".O..R")]
    [InlineData(3, 1, AlertOn.Down, "ddduddd", "..OR..O")]
    public void Opens_extends_and_resolves_by_the_streaks(int failureThreshold, int successThreshold, AlertOn alertOn, string statuses, string changes)
    {
        var rules = new IncidentRules(failureThreshold, successThreshold, alertOn);
        var state = IncidentTrackerState.Empty;
        var seen = new List<char>();
        for (var i = 0; i < statuses.Length; i++)
        {
            var step = IncidentTracker.Apply(state, rules, Check(i, statuses[i]));
            state = step.State;
            seen.Add(step.Change switch
            {
                IncidentChange.Opened => 'O',
                IncidentChange.Updated => 'U',
                IncidentChange.Resolved => 'R',
                _ => '.',
            });
        }

        Assert.Equal(changes, new string([.. seen]));
    }

    [Fact]
    public void An_opened_incident_starts_at_the_first_bad_check_and_carries_the_streaks_errors_and_worst_status()
    {
        var rules = new IncidentRules(3, 2, AlertOn.Degraded);
        var state = IncidentTrackerState.Empty;
        state = IncidentTracker.Apply(state, rules, new TrackedCheck(T0, HealthStatus.Degraded, "slow")).State;
        state = IncidentTracker.Apply(state, rules, new TrackedCheck(T0.AddSeconds(1), HealthStatus.Down, "refused")).State;

        var step = IncidentTracker.Apply(state, rules, new TrackedCheck(T0.AddSeconds(2), HealthStatus.Degraded, "slow again"), dependencyOpen: true);

        Assert.Equal(IncidentChange.Opened, step.Change);
        Assert.Equal(new OpenIncident(T0, T0.AddSeconds(2), HealthStatus.Down, 3, "slow", "slow again", Suppressed: true), step.Incident);
    }

    [Fact]
    public void A_bad_check_while_open_counts_keeps_the_worst_status_and_the_latest_error()
    {
        var rules = new IncidentRules(1, 2, AlertOn.Degraded);
        var state = IncidentTracker.Apply(IncidentTrackerState.Empty, rules, new TrackedCheck(T0, HealthStatus.Down, "refused")).State;

        var step = IncidentTracker.Apply(state, rules, new TrackedCheck(T0.AddSeconds(1), HealthStatus.Degraded, "slow"));

        Assert.Equal(IncidentChange.Updated, step.Change);
        Assert.Equal(new OpenIncident(T0, T0, HealthStatus.Down, 2, "refused", "slow", false), step.Incident);
    }

    [Fact]
    public void A_resolve_says_when_and_why()
    {
        var rules = new IncidentRules(1, 2, AlertOn.Down);
        var state = IncidentTracker.Apply(IncidentTrackerState.Empty, rules, new TrackedCheck(T0, HealthStatus.Down, "refused")).State;
        state = IncidentTracker.Apply(state, rules, new TrackedCheck(T0.AddSeconds(1), HealthStatus.Up, null)).State;

        var step = IncidentTracker.Apply(state, rules, new TrackedCheck(T0.AddSeconds(2), HealthStatus.Up, null));

        Assert.Equal((IncidentChange.Resolved, (DateTimeOffset?)T0.AddSeconds(2), "recovered"), (step.Change, step.ResolvedAt, step.ResolvedReason));
        Assert.Null(step.State.Open);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(-60)]
    public void A_result_not_later_than_the_last_counted_changes_nothing(int secondsAfterLast)
    {
        var rules = new IncidentRules(2, 2, AlertOn.Down);
        var state = IncidentTracker.Apply(IncidentTrackerState.Empty, rules, new TrackedCheck(T0, HealthStatus.Down, "refused")).State;

        // Act: the same result again (a replay), or an older one arriving late.
        var step = IncidentTracker.Apply(state, rules, new TrackedCheck(T0.AddSeconds(secondsAfterLast), HealthStatus.Down, "refused"));

        Assert.Equal(IncidentChange.None, step.Change);
        Assert.Equal(state, step.State);
    }

    [Fact]
    public void Disabling_resolves_an_open_incident_as_disabled_and_forgets_the_streak()
    {
        var rules = new IncidentRules(1, 3, AlertOn.Down);
        var state = IncidentTracker.Apply(IncidentTrackerState.Empty, rules, new TrackedCheck(T0, HealthStatus.Down, "refused")).State;

        var step = IncidentTracker.Disable(state, T0.AddMinutes(5));

        Assert.Equal((IncidentChange.Resolved, (DateTimeOffset?)T0.AddMinutes(5), "disabled"), (step.Change, step.ResolvedAt, step.ResolvedReason));
        Assert.Null(step.State.Open);
        Assert.Equal(IncidentChange.None, IncidentTracker.Disable(step.State, T0.AddMinutes(6)).Change);
    }

    private static TrackedCheck Check(int second, char status) => status switch
    {
        'u' => new TrackedCheck(T0.AddSeconds(second), HealthStatus.Up, null),
        'g' => new TrackedCheck(T0.AddSeconds(second), HealthStatus.Degraded, "slow"),
        'd' => new TrackedCheck(T0.AddSeconds(second), HealthStatus.Down, "refused"),
        'm' => new TrackedCheck(T0.AddSeconds(second), HealthStatus.Down, "refused", InMaintenance: true),
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };
}
