namespace Monitoring.Grains.Interfaces.Queries;

/// <summary>
/// A field of a resource as queries see it: its type, whether it may be null, the values it may take,
/// and whether a find may filter and sort on it (a field that is computed outside SQL may not).
/// </summary>
public sealed record ResourceField(string Name, FieldKind Kind, bool Nullable = false, bool Queryable = true, IReadOnlyList<string>? AllowedValues = null);
