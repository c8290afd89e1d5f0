using System.Diagnostics;
using System.Diagnostics.Metrics;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Grains.Checking;

/// <summary>
/// The checks a silo runs (meter "Monitoring.Checks"): <c>monitoring_checks_total{status,trigger,type}</c>, one per
/// result (a check that ran, a heartbeat's report, a missed deadline), and <c>monitoring_check_duration_seconds{type}</c>,
/// the wall time of each check this silo made (HTTP and TCP; a heartbeat's report is not a check we time), and
/// <c>monitoring_checks_skipped_total{type,reason}</c>, scheduled occurrences not checked.
/// </summary>
public sealed class CheckMetrics : IDisposable
{
    public const string MeterName = "Monitoring.Checks";

    /// <summary>Bucket bounds of the duration histogram, in seconds: a fast answer to a 60 s timeout.</summary>
    private static readonly double[] DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private readonly Meter meter;
    private readonly bool ownsMeter;
    private readonly Counter<long> checks;
    private readonly Histogram<double> duration;
    private readonly Counter<long> skipped;
    private readonly Counter<long> rechecked;

    /// <summary>For tests and tools without a host: a meter of its own.</summary>
    public CheckMetrics()
        : this(null)
    {
    }

    public CheckMetrics(IMeterFactory? meters)
    {
        meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        ownsMeter = meters is null;
        checks = meter.CreateCounter<long>("monitoring.checks", "{check}", "Results of checks, heartbeat reports and missed heartbeat deadlines, by status, trigger and type");
        skipped = meter.CreateCounter<long>("monitoring.checks.skipped", "{occurrence}",
            "Scheduled occurrences not checked, by type and reason (overlap: the service's previous check was still running; saturated: the silo paced its checks, or its result writer could not keep up)");
        rechecked = meter.CreateCounter<long>("monitoring.checks.rechecked", "{check}",
            "Scheduled checks made a second time because the silo's own pauses (garbage collections) explained the first answer's slowness or timeout");
        duration = meter.CreateHistogram("monitoring.check.duration", "s", "Wall time of the HTTP and TCP checks this silo made",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
    }

    /// <summary>Counts one result of a service of <paramref name="type"/> (<c>http</c>, <c>tcp</c>, <c>heartbeat</c>) and, when given, times the check.</summary>
    /// <param name="type">The service's type.</param>
    /// <param name="trigger"><c>schedule</c>, <c>manual</c> or <c>ping</c>.</param>
    /// <param name="status">The result's status.</param>
    /// <param name="elapsed">How long the check took (wall time); null for results that are not checks we made.</param>
    public void Record(string type, string trigger, HealthStatus status, TimeSpan? elapsed)
    {
        var tags = new TagList { { "status", status.ToWire() }, { "trigger", trigger }, { "type", type } };
        checks.Add(1, in tags);
        if (elapsed is { } took)
        {
            duration.Record(took.TotalSeconds, new KeyValuePair<string, object?>("type", type));
        }
    }

    /// <summary>Counts a scheduled check of a service of <paramref name="type"/> made twice because the silo's pauses explained its first answer (<see cref="PauseAwareCheck"/>).</summary>
    public void Rechecked(string type) => rechecked.Add(1, new KeyValuePair<string, object?>("type", type));

    /// <summary>Counts a scheduled occurrence of a service of <paramref name="type"/> that was not checked, and why.</summary>
    public void Skipped(string type, string reason) =>
        skipped.Add(1, new KeyValuePair<string, object?>("type", type), new KeyValuePair<string, object?>("reason", reason));

    public void Dispose()
    {
        // A meter from the factory belongs to the factory, which disposes it with the host.
        if (ownsMeter)
        {
            meter.Dispose();
        }
    }
}
