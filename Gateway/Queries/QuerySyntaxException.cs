namespace Monitoring.Gateway.Queries;

/// <summary>A query string that does not parse; its message says what to fix (answered as 400).</summary>
public sealed class QuerySyntaxException(string message, string? field = null) : Exception(message)
{
    public string? Field { get; } = field;
}
