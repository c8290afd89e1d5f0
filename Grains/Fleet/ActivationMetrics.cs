using System.Diagnostics.Metrics;

namespace Monitoring.Grains.Fleet;

/// <summary>
/// What bringing a service grain to life cost this silo (meter "Monitoring.Fleet"), so a slow start-up sweep can be told
/// apart from a busy machine:
/// <list type="bullet">
/// <item><c>monitoring_activations_total{rows}</c>: service grain activations, <c>rows</c> = <c>prefetched</c> (the sweep
/// read the row, results and incidents a thousand at a time, <see cref="ActivationPrefetch"/>) or <c>read</c> (the
/// activation read its own: three statements and a round trip);</item>
/// <item><c>monitoring_incident_rebuilds_total{history}</c>: incident trackers rebuilt (at an activation's first result or
/// disable, and again after a result was journaled or a step failed), <c>history</c> = <c>preloaded</c> (from what the
/// activation read) or <c>read</c> (read again: none was kept, or it was too old or a journal was replayed since; see
/// <c>ServiceAlerting</c>).</item>
/// <item><c>monitoring_uptime_restores_total{window, read}</c>: uptime windows an activation restored, <c>window</c> =
/// <c>snapshot</c> (the stored snapshot and the results since it), <c>rebuilt</c> (no snapshot: from the hourly sums) or
/// <c>new</c> (never checked: nothing to read); <c>read</c> = <c>prefetched</c> (a sweep read state and results for a
/// thousand at a time, <see cref="SnapshotPrefetch"/>), <c>own</c> (the activation's queries) or <c>none</c>.</item>
/// </list>
/// One per silo.
/// </summary>
public sealed class ActivationMetrics : IDisposable
{
    public const string MeterName = "Monitoring.Fleet";

    private readonly Meter meter;
    private readonly bool ownsMeter;
    private readonly Counter<long> activations;
    private readonly Counter<long> rebuilds;
    private readonly Counter<long> restores;

    /// <summary>For tests and tools without a host: a meter of its own.</summary>
    public ActivationMetrics()
        : this(null)
    {
    }

    public ActivationMetrics(IMeterFactory? meters)
    {
        meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        ownsMeter = meters is null;
        activations = meter.CreateCounter<long>("monitoring.activations", "{activation}",
            "Service grain activations, by where their rows came from (prefetched by a sweep, or read by the activation)");
        rebuilds = meter.CreateCounter<long>("monitoring.incident.rebuilds", "{rebuild}",
            "Incident trackers rebuilt (at an activation's first result, or after a journaled result or a failed step), by where the history came from (preloaded with the row, or read again)");
        restores = meter.CreateCounter<long>("monitoring.uptime.restores", "{restore}",
            "Uptime windows restored at activation, by what from (snapshot, rebuilt from hourly sums, new) and whose read (prefetched by a sweep, own, none)");
    }

    /// <summary>Counts one activation; <paramref name="prefetched"/> when it took a sweep's read instead of its own.</summary>
    public void Activated(bool prefetched) => activations.Add(1, new KeyValuePair<string, object?>("rows", prefetched ? "prefetched" : "read"));

    /// <summary>Counts one tracker rebuilt; <paramref name="preloaded"/> when the history read with the row served.</summary>
    public void Rebuilt(bool preloaded) => rebuilds.Add(1, new KeyValuePair<string, object?>("history", preloaded ? "preloaded" : "read"));

    /// <summary>
    /// Counts one uptime window restored: <paramref name="window"/> is <c>snapshot</c>, <c>rebuilt</c> or <c>new</c>;
    /// <paramref name="read"/> is <c>prefetched</c>, <c>own</c> or <c>none</c> (see the class remarks).
    /// </summary>
    public void WindowRestored(string window, string read) =>
        restores.Add(1, new KeyValuePair<string, object?>("window", window), new KeyValuePair<string, object?>("read", read));

    public void Dispose()
    {
        if (ownsMeter)
        {
            meter.Dispose();
        }
    }
}
