namespace Monitoring.Grains.History;

/// <summary>A result is safe in the local journal but not yet in PostgreSQL (it is stored at the journal's replay).</summary>
public sealed class ResultJournaledException(string message) : ResultNotStoredException(message);
