using System.Diagnostics.Metrics;

namespace Monitoring.Grains.History;

/// <summary>
/// Instruments of the result writer (meter "Monitoring.History", made through the host's IMeterFactory so the host's
/// telemetry collects it): <c>monitoring_results_written_total</c>, <c>monitoring_results_pending</c> (once the writer
/// is known, see <see cref="ObserveWriter"/>), the journal's bytes, refused and lost results, batch sizes and commit latency.
/// </summary>
public sealed class HistoryMetrics : IDisposable
{
    public const string MeterName = "Monitoring.History";

    /// <summary>Bucket bounds of the commit latency, in seconds.</summary>
    private static readonly double[] LatencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly Meter meter;
    private readonly bool ownsMeter;
    private Func<int>? pending;
    private Func<long>? journalBytes;

    /// <summary>For tests and tools without a host: a meter of its own.</summary>
    public HistoryMetrics()
        : this(null)
    {
    }

    public HistoryMetrics(IMeterFactory? meters)
    {
        meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        ownsMeter = meters is null;
        Written = meter.CreateCounter<long>("monitoring.results.written", "{result}", "Check results committed to service_status");
        Refused = meter.CreateCounter<long>("monitoring.results.refused", "{result}", "Check results refused because the write buffer or the journal was full");
        Lost = meter.CreateCounter<long>("monitoring.results.lost", "{result}", "Check results given up at shutdown or rejected by PostgreSQL");
        BatchSize = meter.CreateHistogram<int>("monitoring.results.batch_size", "{result}", "Results per COPY");
        CommitLatency = meter.CreateHistogram("monitoring.results.commit_latency", "s", "From hand-over to commit",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        meter.CreateObservableGauge("monitoring.results.pending", ObservePending, "{result}", "Check results waiting in memory for their commit");
        meter.CreateObservableGauge("monitoring.results.journal", ObserveJournal, "By", "Bytes of results in the local journal, waiting for PostgreSQL");
    }

    /// <summary>Results committed (<c>monitoring_results_written_total</c>).</summary>
    public Counter<long> Written { get; }

    public Counter<long> Refused { get; }

    public Counter<long> Lost { get; }

    public Histogram<int> BatchSize { get; }

    /// <summary>From hand-over to commit, in seconds.</summary>
    public Histogram<double> CommitLatency { get; }

    /// <summary>Reports <paramref name="backlog"/> (results in memory) and <paramref name="journal"/> (bytes) from now on.</summary>
    public void ObserveWriter(Func<int> backlog, Func<long> journal)
    {
        pending = backlog;
        journalBytes = journal;
    }

    public void Dispose()
    {
        // A meter from the factory belongs to the factory, which disposes it with the host.
        if (ownsMeter)
        {
            meter.Dispose();
        }
    }

    private IEnumerable<Measurement<int>> ObservePending() => pending is { } read ? [new Measurement<int>(read())] : [];

    private IEnumerable<Measurement<long>> ObserveJournal() => journalBytes is { } read ? [new Measurement<long>(read())] : [];
}
