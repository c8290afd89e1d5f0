using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Grains.Alerting;

/// <summary>Which statuses count as bad for a service's incidents (the service's <c>alert_on</c>).</summary>
public enum AlertOn
{
    /// <summary>Only <c>down</c> is bad (the default).</summary>
    Down,

    /// <summary><c>degraded</c> and <c>down</c> are bad.</summary>
    Degraded,
}

/// <summary>A service's incident rules: <c>failure_threshold</c> and <c>success_threshold</c> (1-100 each) and <c>alert_on</c>.</summary>
public sealed record IncidentRules(int FailureThreshold, int SuccessThreshold, AlertOn AlertOn);

/// <summary>One classified result as the tracker sees it; <paramref name="InMaintenance"/> results do not count.</summary>
public sealed record TrackedCheck(DateTimeOffset CheckedAt, HealthStatus Status, string? Error, bool InMaintenance = false);

/// <summary>The open incident of a service, as alerting.md's incident fields describe it.</summary>
public sealed record OpenIncident(
    DateTimeOffset StartedAt,
    DateTimeOffset ConfirmedAt,
    HealthStatus Severity,
    int BadChecks,
    string? FirstError,
    string? LastError,
    bool Suppressed);

/// <summary>
/// What the tracker remembers between results: the current streak (bad checks in a row before an incident
/// opens, good checks in a row while one is open), the open incident if any, and the last result counted.
/// </summary>
/// <remarks>
/// A value, not an object: every result changes <see cref="LastCheckedAt"/>, and a state object replaced per result
/// lived in its grain until the next one (minutes) and died in the old generation.
/// </remarks>
public readonly record struct IncidentTrackerState(
    OpenIncident? Open,
    int BadInRow,
    int GoodInRow,
    DateTimeOffset? StreakStartedAt,
    HealthStatus StreakSeverity,
    string? StreakFirstError,
    DateTimeOffset? LastCheckedAt)
{
    /// <summary>No incident, no streak, nothing counted yet.</summary>
    public static IncidentTrackerState Empty { get; } = new(null, 0, 0, null, HealthStatus.Up, null, null);
}

/// <summary>What a result did to the service's incidents.</summary>
public enum IncidentChange
{
    /// <summary>Nothing to store or tell.</summary>
    None,

    /// <summary>An incident opened (<c>incidents created</c>).</summary>
    Opened,

    /// <summary>The open incident's severity, bad check count or last error changed (<c>incidents patched</c>).</summary>
    Updated,

    /// <summary>The open incident resolved (<c>incidents patched</c>, <c>resolved_at</c> and <c>resolved_reason</c> set).</summary>
    Resolved,
}

/// <summary>
/// The tracker's answer: the state to keep, the change, the incident it concerns, and for a resolve when it
/// ended and why (<c>recovered</c> or <c>disabled</c>).
/// </summary>
public sealed record IncidentStep(IncidentTrackerState State, IncidentChange Change, OpenIncident? Incident, DateTimeOffset? ResolvedAt = null, string? ResolvedReason = null);

/// <summary>
/// The incident rules of alerting.md as a pure function of a service's results taken in <c>checked_at</c>
/// order: a check is bad when <c>down</c>, or <c>degraded</c> with <c>alert_on: degraded</c>; an incident
/// opens at <c>failure_threshold</c> bad checks in a row and resolves at <c>success_threshold</c> good ones
/// in a row; at most one is open. A result not later than the last one counted is ignored, so a replayed or
/// repeated result cannot open, extend or resolve anything twice. Results in a maintenance window do not
/// count and do not break a streak.
/// </summary>
public static class IncidentTracker
{
    /// <summary>Counts <paramref name="check"/>; <paramref name="dependencyOpen"/> marks an incident opened now as suppressed.</summary>
    public static IncidentStep Apply(IncidentTrackerState state, IncidentRules rules, TrackedCheck check, bool dependencyOpen = false)
    {
        if (state.LastCheckedAt is { } last && check.CheckedAt <= last)
        {
            return new IncidentStep(state, IncidentChange.None, state.Open);
        }

        state = state with { LastCheckedAt = check.CheckedAt };
        if (check.InMaintenance)
        {
            return new IncidentStep(state, IncidentChange.None, state.Open);
        }

        var bad = IsBad(check.Status, rules.AlertOn);
        return state.Open is { } open
            ? WhileOpen(state, rules, check, bad, open)
            : WhileClosed(state, rules, check, bad, dependencyOpen);
    }

    /// <summary>The service was disabled at <paramref name="at"/>: an open incident resolves (<c>disabled</c>) and the streak starts over.</summary>
    public static IncidentStep Disable(IncidentTrackerState state, DateTimeOffset at) =>
        state.Open is { } open
            ? new IncidentStep(IncidentTrackerState.Empty with { LastCheckedAt = state.LastCheckedAt }, IncidentChange.Resolved, open, at, "disabled")
            : new IncidentStep(IncidentTrackerState.Empty with { LastCheckedAt = state.LastCheckedAt }, IncidentChange.None, null);

    /// <summary>Whether <paramref name="status"/> counts as bad under <paramref name="alertOn"/>.</summary>
    public static bool IsBad(HealthStatus status, AlertOn alertOn) =>
        status == HealthStatus.Down || (status == HealthStatus.Degraded && alertOn == AlertOn.Degraded);

    private static IncidentStep WhileClosed(IncidentTrackerState state, IncidentRules rules, TrackedCheck check, bool bad, bool dependencyOpen)
    {
        if (!bad)
        {
            return new IncidentStep(state with { BadInRow = 0, StreakStartedAt = null, StreakSeverity = HealthStatus.Up, StreakFirstError = null }, IncidentChange.None, null);
        }

        var first = state.BadInRow == 0;
        var streak = state with
        {
            BadInRow = state.BadInRow + 1,
            GoodInRow = 0,
            StreakStartedAt = first ? check.CheckedAt : state.StreakStartedAt,
            StreakSeverity = first ? check.Status : Worse(state.StreakSeverity, check.Status),
            StreakFirstError = first ? check.Error : state.StreakFirstError,
        };
        if (streak.BadInRow < rules.FailureThreshold)
        {
            return new IncidentStep(streak, IncidentChange.None, null);
        }

        var opened = new OpenIncident(streak.StreakStartedAt!.Value, check.CheckedAt, streak.StreakSeverity, streak.BadInRow, streak.StreakFirstError, check.Error, dependencyOpen);
        return new IncidentStep(
            streak with { Open = opened, BadInRow = 0, StreakStartedAt = null, StreakSeverity = HealthStatus.Up, StreakFirstError = null },
            IncidentChange.Opened,
            opened);
    }

    private static IncidentStep WhileOpen(IncidentTrackerState state, IncidentRules rules, TrackedCheck check, bool bad, OpenIncident open)
    {
        if (bad)
        {
            var extended = open with { BadChecks = open.BadChecks + 1, LastError = check.Error, Severity = Worse(open.Severity, check.Status) };
            return new IncidentStep(state with { Open = extended, GoodInRow = 0 }, IncidentChange.Updated, extended);
        }

        var good = state.GoodInRow + 1;
        if (good < rules.SuccessThreshold)
        {
            return new IncidentStep(state with { GoodInRow = good }, IncidentChange.None, open);
        }

        return new IncidentStep(state with { Open = null, GoodInRow = 0 }, IncidentChange.Resolved, open, check.CheckedAt, "recovered");
    }

    private static HealthStatus Worse(HealthStatus a, HealthStatus b) => a >= b ? a : b;
}
