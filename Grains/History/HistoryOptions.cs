namespace Monitoring.Grains.History;

/// <summary>Result storage settings (section "History").</summary>
public sealed class HistoryOptions
{
    /// <summary>Results waiting to be committed per silo (while PostgreSQL is slow or away); more are refused, counted and logged.</summary>
    public int BufferCapacity { get; set; } = 200_000;

    /// <summary>Most results in one COPY.</summary>
    public int MaxBatchSize { get; set; } = 4096;

    /// <summary>
    /// Least time between the starts of two COPYs while results keep arriving (default 25 ms; zero turns it off). A
    /// COPY costs PostgreSQL about a millisecond of CPU before its first row (the statement, the hourly roll-up's
    /// trigger, the commit's flush), so a writer that copied whatever had gathered the moment its last COPY ended made
    /// 334 COPYs of 8 results a second at 2,700 results/s; waiting out the rest of this interval makes them 40 COPYs of
    /// about 70. A result that arrives after a quiet spell is copied at once; one that arrives just after a COPY
    /// started waits at most this long more, and a silo killed with SIGKILL loses up to this much more of the results
    /// it still held (docs/PERFORMANCE.md, "Results copied a few at a time").
    /// </summary>
    public TimeSpan CommitInterval { get; set; } = TimeSpan.FromMilliseconds(25);

    /// <summary>Ids reserved from service_status_id_seq per round trip.</summary>
    public int IdBlockSize { get; set; } = 4096;

    /// <summary>Raw results older than this are deleted in the background.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How often the retention pruner runs.</summary>
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Rows deleted per statement by the pruner, so no statement holds locks for long.</summary>
    public int PruneBatchSize { get; set; } = 5000;

    /// <summary>
    /// Folder of this silo's result journal (results waiting for PostgreSQL, kept across restarts).
    /// Environment: RESULTS_JOURNAL_DIR (the silo adds a subfolder per silo port). Empty: a folder of this
    /// process under the temporary folder (test clusters).
    /// </summary>
    public string? JournalPath { get; set; }

    /// <summary>Most bytes the journal may take on disk; past it, results are refused (counted and logged).</summary>
    public long JournalMaxBytes { get; set; } = 1L << 30;
}
