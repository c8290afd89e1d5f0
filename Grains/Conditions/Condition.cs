namespace Monitoring.Grains.Conditions;

/// <summary>What a condition's left side reads from a check's answer (monitors.md, "Conditions").</summary>
public enum Placeholder
{
    Status,
    ResponseTime,
    Body,
    Connected,
    CertificateExpiration,
    Header,
}

/// <summary>A function applied to the left side: none, <c>len(x)</c> or <c>has(x)</c>.</summary>
public enum LeftFunction
{
    None,
    Len,
    Has,
}

/// <summary>The comparison of a condition.</summary>
public enum ConditionOperator
{
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

/// <summary>What the right side is: a literal, <c>any(a, b, …)</c> or <c>pat(p)</c>.</summary>
public enum RightKind
{
    Literal,
    Any,
    Pattern,
}

/// <summary>One step of a JSON path: a property name or an array index.</summary>
public readonly record struct PathStep(string? Name, int? Index);

/// <summary>
/// A parsed condition <c>LEFT OPERATOR RIGHT</c>. The left side is a placeholder (with a JSON path for
/// <c>[BODY]</c>, a header name for <c>[HEADER]</c>), maybe inside <c>len()</c> or <c>has()</c>; the right side
/// is a literal, <c>any(a, b, …)</c> (one of) or <c>pat(p)</c> (a pattern where <c>*</c> is any run of characters).
/// </summary>
public sealed record Condition(
    string Text,
    Placeholder Placeholder,
    IReadOnlyList<PathStep> Path,
    string? HeaderName,
    LeftFunction Function,
    ConditionOperator Operator,
    RightKind Right,
    IReadOnlyList<string> Values);
