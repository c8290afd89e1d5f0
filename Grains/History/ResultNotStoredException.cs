namespace Monitoring.Grains.History;

/// <summary>A result could not be committed (the buffer was full, or the silo stopped before PostgreSQL returned).</summary>
public class ResultNotStoredException(string message) : Exception(message);
