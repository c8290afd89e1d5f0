namespace Monitoring.Grains.History;

/// <summary>Result storage settings (section "History").</summary>
public sealed class HistoryOptions
{
    /// <summary>Results waiting to be committed per silo (while PostgreSQL is slow or away); more are refused, counted and logged.</summary>
    public int BufferCapacity { get; set; } = 200_000;

    /// <summary>Most results in one COPY.</summary>
    public int MaxBatchSize { get; set; } = 4096;

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
