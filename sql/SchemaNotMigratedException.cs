namespace Monitoring.Sql;

/// <summary>The database lacks migrations this build needs; the message says what to run.</summary>
public sealed class SchemaNotMigratedException(string message) : Exception(message);
