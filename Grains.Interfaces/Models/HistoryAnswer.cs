namespace Monitoring.Grains.Interfaces.Models;

/// <summary>
/// A service grain's answer to a find of its first page: the version of what it keeps (it changes with every result
/// it commits and every fill, and differs between activations) and the page, or null when the caller already holds
/// that version.
/// </summary>
[GenerateSerializer, Immutable, Alias("history-answer")]
public sealed record HistoryAnswer([property: Id(0)] long Version, [property: Id(1)] Page<StatusRecord>? Page);
