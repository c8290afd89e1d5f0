namespace Monitoring.Grains.Conditions;

/// <summary>
/// Parses a condition in Gatus' syntax (monitors.md, "Conditions"): <c>LEFT OPERATOR RIGHT</c>. Written by hand, no
/// regular expression is built from user text; an error says what was expected and at which character (1-based).
/// </summary>
public static class ConditionParser
{
    public const int MaxLength = 500;

    private static readonly (string Token, ConditionOperator Operator)[] Operators =
    [
        ("==", ConditionOperator.Equal), ("!=", ConditionOperator.NotEqual), ("<=", ConditionOperator.LessOrEqual),
        (">=", ConditionOperator.GreaterOrEqual), ("<", ConditionOperator.Less), (">", ConditionOperator.Greater),
    ];

    private static readonly (string Name, Placeholder Placeholder)[] Placeholders =
    [
        ("[STATUS]", Placeholder.Status), ("[RESPONSE_TIME]", Placeholder.ResponseTime), ("[BODY]", Placeholder.Body),
        ("[CONNECTED]", Placeholder.Connected), ("[CERTIFICATE_EXPIRATION]", Placeholder.CertificateExpiration), ("[HEADER]", Placeholder.Header),
    ];

    public static bool TryParse(string text, out Condition? condition, out string? error)
    {
        condition = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "is empty: write LEFT OPERATOR RIGHT, such as [STATUS] == 200";
            return false;
        }

        if (text.Length > MaxLength)
        {
            error = $"is longer than {MaxLength} characters";
            return false;
        }

        var (opAt, opLength, op) = FindOperator(text, out var unclosedAt);
        if (opAt < 0 && unclosedAt >= 0)
        {
            error = $"'{text[unclosedAt]}' at character {unclosedAt + 1} is never closed";
            return false;
        }

        if (opAt < 0)
        {
            var lone = text.IndexOf('=', StringComparison.Ordinal);
            error = lone >= 0
                ? $"has '=' at character {lone + 1}, which is no operator: expected one of ==, !=, <, <=, >, >= between the two sides"
                : "has no operator: expected one of ==, !=, <, <=, >, >= between the two sides";
            return false;
        }

        var left = text[..opAt];
        var right = text[(opAt + opLength)..].Trim();
        var leftStart = left.Length - left.TrimStart().Length;
        if (!TryParseLeft(left.Trim(), leftStart, out var placeholder, out var path, out var header, out var function, out error))
        {
            return false;
        }

        if (right.Length == 0)
        {
            error = $"has nothing after the operator at character {opAt + 1}";
            return false;
        }

        if (right[0] is '=' or '<' or '>' or '!')
        {
            // "=== 200" or "=> 5": a mistyped operator, not a value that starts with '='.
            var at = text.IndexOf(right[0], opAt + opLength);
            error = $"has '{right[0]}' at character {at + 1} right after the operator {text.Substring(opAt, opLength)}: expected one of ==, !=, <, <=, >, >=";
            return false;
        }

        foreach (var joiner in new[] { "&&", "||" })
        {
            if (text.IndexOf(joiner, opAt + opLength, StringComparison.Ordinal) is var joinAt and >= 0)
            {
                error = $"has {joiner} at character {joinAt + 1}: a condition has one operator; write each as its own entry (all of them must hold)";
                return false;
            }
        }

        if (!TryParseRight(right, op, opAt + opLength + 1, out var kind, out var values, out error))
        {
            return false;
        }

        condition = new Condition(text, placeholder, path, header, function, op, kind, values);
        return true;
    }

    /// <summary>The first operator outside brackets and parentheses (the left side never holds one).</summary>
    private static (int At, int Length, ConditionOperator Operator) FindOperator(string text, out int unclosedAt)
    {
        var depth = 0;
        unclosedAt = -1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '[' or '(')
            {
                if (depth++ == 0)
                {
                    unclosedAt = i;
                }
            }
            else if (c is ']' or ')')
            {
                depth = Math.Max(0, depth - 1);
                if (depth == 0)
                {
                    unclosedAt = -1;
                }
            }
            else if (depth == 0)
            {
                foreach (var (token, op) in Operators)
                {
                    if (string.CompareOrdinal(text, i, token, 0, token.Length) == 0)
                    {
                        unclosedAt = -1;
                        return (i, token.Length, op);
                    }
                }
            }
        }

        return (-1, 0, default);
    }

    private static bool TryParseLeft(string left, int offset, out Placeholder placeholder, out List<PathStep> path, out string? header, out LeftFunction function, out string? error)
    {
        placeholder = default;
        path = [];
        header = null;
        function = LeftFunction.None;
        var inner = left;
        var at = offset;
        foreach (var (name, kind) in new[] { ("len(", LeftFunction.Len), ("has(", LeftFunction.Has) })
        {
            if (left.StartsWith(name, StringComparison.OrdinalIgnoreCase))
            {
                if (!left.EndsWith(')'))
                {
                    error = $"opens {name[..^1]}( at character {offset + 1} but does not close it before the operator";
                    return false;
                }

                function = kind;
                inner = left[name.Length..^1].Trim();
                at = offset + name.Length;
            }
        }

        var match = Placeholders.FirstOrDefault(p => inner.StartsWith(p.Name, StringComparison.OrdinalIgnoreCase));
        if (match.Name is null)
        {
            error = $"expects a placeholder at character {at + 1} ([STATUS], [RESPONSE_TIME], [BODY], [CONNECTED], [CERTIFICATE_EXPIRATION] or [HEADER].Name), got '{Shorten(inner)}'";
            return false;
        }

        placeholder = match.Placeholder;
        var rest = inner[match.Name.Length..];
        var restAt = at + match.Name.Length;
        switch (placeholder)
        {
            case Placeholder.Body:
                return TryParsePath(rest, restAt, path, out error);
            case Placeholder.Header:
                if (rest.Length < 2 || rest[0] != '.' || rest[1..].Any(c => char.IsWhiteSpace(c) || c is ':' or '[' or ']'))
                {
                    error = $"expects a header name after [HEADER] at character {restAt + 1}, such as [HEADER].Content-Type";
                    return false;
                }

                header = rest[1..];
                break;
            default:
                if (rest.Length > 0)
                {
                    error = $"has '{Shorten(rest)}' after {match.Name} at character {restAt + 1}; only [BODY] takes a path and [HEADER] a name";
                    return false;
                }

                break;
        }

        if (function == LeftFunction.Has && placeholder != Placeholder.Body)
        {
            error = "uses has() on something that is not a [BODY] path";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary><c>.name</c> and <c>[index]</c> steps after <c>[BODY]</c>.</summary>
    private static bool TryParsePath(string rest, int offset, List<PathStep> path, out string? error)
    {
        var i = 0;
        while (i < rest.Length)
        {
            if (rest[i] == '.')
            {
                var end = i + 1;
                while (end < rest.Length && rest[end] is not ('.' or '['))
                {
                    end++;
                }

                var name = rest[(i + 1)..end];
                if (name.Length == 0 || name.Any(char.IsWhiteSpace))
                {
                    error = $"expects a property name at character {offset + i + 2} of the [BODY] path";
                    return false;
                }

                path.Add(new PathStep(name, null));
                i = end;
            }
            else if (rest[i] == '[')
            {
                var close = rest.IndexOf(']', i);
                if (close < 0 || !int.TryParse(rest[(i + 1)..close], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index))
                {
                    error = $"expects an array index such as [0] at character {offset + i + 1} of the [BODY] path";
                    return false;
                }

                path.Add(new PathStep(null, index));
                i = close + 1;
            }
            else
            {
                error = $"expects '.' or '[' at character {offset + i + 1} of the [BODY] path, got '{rest[i]}'";
                return false;
            }
        }

        error = null;
        return true;
    }

    private static bool TryParseRight(string right, ConditionOperator op, int at, out RightKind kind, out List<string> values, out string? error)
    {
        kind = RightKind.Literal;
        values = [right];
        error = null;
        if (right.StartsWith("any(", StringComparison.OrdinalIgnoreCase))
        {
            if (!right.EndsWith(')'))
            {
                error = $"opens any( at character {at + 1} but does not close it";
                return false;
            }

            if (op != ConditionOperator.Equal)
            {
                error = "uses any() with an operator other than ==";
                return false;
            }

            kind = RightKind.Any;
            values = right[4..^1].Split(',').Select(v => v.Trim()).ToList();
            if (values.Any(v => v.Length == 0))
            {
                error = "has an empty value in any()";
                return false;
            }
        }
        else if (right.StartsWith("pat(", StringComparison.OrdinalIgnoreCase))
        {
            if (!right.EndsWith(')'))
            {
                error = $"opens pat( at character {at + 1} but does not close it";
                return false;
            }

            if (op is not (ConditionOperator.Equal or ConditionOperator.NotEqual))
            {
                error = $"uses pat() at character {at + 1} with an operator other than == or !=";
                return false;
            }

            kind = RightKind.Pattern;
            values = [right[4..^1]];
        }

        return true;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
