using System.Diagnostics.Metrics;

namespace Monitoring.Grains.History;

/// <summary>Counters of the result writer (meter "Monitoring.History", made through the host's IMeterFactory so the host's telemetry collects it).</summary>
public sealed class HistoryMetrics : IDisposable
{
    public const string MeterName = "Monitoring.History";

    private readonly Meter meter;
    private readonly bool ownsMeter;

    /// <summary>For tests and tools without a host: a meter of its own.</summary>
    public HistoryMetrics()
        : this(null)
    {
    }

    public HistoryMetrics(IMeterFactory? meters)
    {
        meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        ownsMeter = meters is null;
        Committed = meter.CreateCounter<long>("monitoring.results.committed", description: "Check results committed to service_status");
        Refused = meter.CreateCounter<long>("monitoring.results.refused", description: "Check results refused because the write buffer was full");
        Lost = meter.CreateCounter<long>("monitoring.results.lost", description: "Check results given up at shutdown or rejected by PostgreSQL");
        BatchSize = meter.CreateHistogram<int>("monitoring.results.batch_size", description: "Results per COPY");
        CommitLatency = meter.CreateHistogram<double>("monitoring.results.commit_latency", "ms", "From hand-over to commit");
    }

    public Counter<long> Committed { get; }

    public Counter<long> Refused { get; }

    public Counter<long> Lost { get; }

    public Histogram<int> BatchSize { get; }

    public Histogram<double> CommitLatency { get; }

    public void Dispose()
    {
        // A meter from the factory belongs to the factory, which disposes it with the host.
        if (ownsMeter)
        {
            meter.Dispose();
        }
    }
}
