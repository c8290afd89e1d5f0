using System.Globalization;
using System.Text.Json;

namespace Monitoring.Grains.Conditions;

/// <summary>How one condition came out, and the left side's value (what the error says was got).</summary>
public sealed record ConditionResult(string Condition, bool Success, string Actual);

/// <summary>
/// Evaluates parsed conditions against what a check saw (monitors.md, "Conditions"). Pure: the body is parsed as JSON at
/// most once per check (depth 32), patterns are matched by a loop (no regular expression from user text), and without
/// an answer every condition fails.
/// </summary>
public static class ConditionEvaluator
{
    private const int MaxActualLength = 200;

    /// <summary>Every condition's result, in order.</summary>
    public static IReadOnlyList<ConditionResult> EvaluateAll(IReadOnlyList<Condition> conditions, ConditionContext context)
    {
        using var body = ParseBody(conditions, context);
        return conditions.Select(c => Evaluate(c, context, body?.RootElement)).ToList();
    }

    /// <summary>The error of the first failed condition (<c>condition failed: &lt;condition&gt; (got &lt;value&gt;)</c>), or null when all hold.</summary>
    public static string? FirstFailure(IReadOnlyList<ConditionResult> results) =>
        results.FirstOrDefault(r => !r.Success) is { } failed ? $"condition failed: {failed.Condition} (got {failed.Actual})" : null;

    private static JsonDocument? ParseBody(IReadOnlyList<Condition> conditions, ConditionContext context)
    {
        if (context.Body is null || !conditions.Any(c => c.Placeholder == Placeholder.Body && (c.Path.Count > 0 || c.Function == LeftFunction.Has)))
        {
            return null;
        }

        try
        {
            return JsonDocument.Parse(context.Body, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static ConditionResult Evaluate(Condition condition, ConditionContext context, JsonElement? body)
    {
        if (!context.Connected)
        {
            return new ConditionResult(condition.Text, false, "no answer");
        }

        var left = Left(condition, context, body);
        var success = condition.Right switch
        {
            RightKind.Pattern => Glob(left.Text, condition.Values[0]) == (condition.Operator == ConditionOperator.Equal),
            RightKind.Any => condition.Values.Any(v => Compare(left, v, ConditionOperator.Equal)),
            _ => Compare(left, condition.Values[0], condition.Operator),
        };
        return new ConditionResult(condition.Text, success, left.Text.Length <= MaxActualLength ? left.Text : left.Text[..MaxActualLength] + "…");
    }

    private readonly record struct Value(string Text, TimeSpan? Duration = null);

    private static Value Left(Condition condition, ConditionContext context, JsonElement? body)
    {
        if ((condition.Placeholder == Placeholder.Body && condition.Path.Count > 0) || condition.Function == LeftFunction.Has)
        {
            var found = Navigate(body, condition.Path, out var element);
            return condition.Function switch
            {
                LeftFunction.Has => new Value(found ? "true" : "false"),
                LeftFunction.Len => new Value((found ? Length(element) : 0).ToString(CultureInfo.InvariantCulture)),
                _ => new Value(found ? Text(element) : string.Empty),
            };
        }

        var value = condition.Placeholder switch
        {
            Placeholder.Status => new Value(context.StatusCode?.ToString(CultureInfo.InvariantCulture) ?? string.Empty),
            Placeholder.ResponseTime => new Value(context.ResponseTimeMs.ToString(CultureInfo.InvariantCulture)),
            Placeholder.Body => new Value(context.Body ?? string.Empty),
            Placeholder.Connected => new Value(context.Connected ? "true" : "false"),
            Placeholder.CertificateExpiration => Expiration(context.CertificateExpiresIn ?? TimeSpan.Zero),
            Placeholder.Header => new Value(HeaderValue(context, condition.HeaderName!)),
            _ => new Value(string.Empty),
        };
        return condition.Function == LeftFunction.Len
            ? new Value(new System.Globalization.StringInfo(value.Text).LengthInTextElements.ToString(CultureInfo.InvariantCulture))
            : value;
    }

    private static Value Expiration(TimeSpan left) =>
        new(DurationText.Go(left < TimeSpan.Zero ? TimeSpan.Zero : left), left < TimeSpan.Zero ? TimeSpan.Zero : left);

    private static string HeaderValue(ConditionContext context, string name) =>
        context.Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value ?? string.Empty;

    private static bool Navigate(JsonElement? root, IReadOnlyList<PathStep> path, out JsonElement element)
    {
        element = default;
        if (root is not { } current)
        {
            return false;
        }

        foreach (var step in path)
        {
            if (step.Name is { } name)
            {
                if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
                {
                    return false;
                }
            }
            else if (current.ValueKind != JsonValueKind.Array || step.Index!.Value >= current.GetArrayLength())
            {
                return false;
            }
            else
            {
                current = current[step.Index.Value];
            }
        }

        element = current;
        return true;
    }

    private static int Length(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Array => element.GetArrayLength(),
        JsonValueKind.Object => element.EnumerateObject().Count(),
        JsonValueKind.String => new StringInfo(element.GetString()!).LengthInTextElements,
        JsonValueKind.Null => 0,
        _ => element.GetRawText().Length,
    };

    private static string Text(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => string.Empty,
        _ => element.GetRawText(),
    };

    /// <summary>Numbers as numbers, durations as durations (a number against a duration is milliseconds), else text.</summary>
    private static bool Compare(Value left, string right, ConditionOperator op)
    {
        int order;
        if (left.Duration is { } duration && TryDurationOrMilliseconds(right, out var other))
        {
            order = duration.CompareTo(other);
        }
        else if (TryNumber(left.Text, out var a) && TryNumber(right, out var b))
        {
            order = a.CompareTo(b);
        }
        else if (DurationText.TryParse(left.Text, out var x) && DurationText.TryParse(right, out var y))
        {
            order = x.CompareTo(y);
        }
        else
        {
            order = string.CompareOrdinal(left.Text, right);
        }

        return op switch
        {
            ConditionOperator.Equal => order == 0,
            ConditionOperator.NotEqual => order != 0,
            ConditionOperator.Less => order < 0,
            ConditionOperator.LessOrEqual => order <= 0,
            ConditionOperator.Greater => order > 0,
            _ => order >= 0,
        };
    }

    private static bool TryDurationOrMilliseconds(string text, out TimeSpan duration)
    {
        if (DurationText.TryParse(text, out duration))
        {
            return true;
        }

        if (TryNumber(text, out var milliseconds) && Math.Abs(milliseconds) < TimeSpan.MaxValue.TotalMilliseconds)
        {
            duration = TimeSpan.FromMilliseconds(milliseconds);
            return true;
        }

        return false;
    }

    private static bool TryNumber(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    /// <summary>
    /// Whether <paramref name="text"/> matches <paramref name="pattern"/>, where <c>*</c> is any run of characters and
    /// everything else matches itself. Greedy with one backtrack point: O(text × pattern) at worst, never exponential.
    /// </summary>
    public static bool Glob(string text, string pattern)
    {
        int t = 0, p = 0, star = -1, resume = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = t;
            }
            else if (p < pattern.Length && pattern[p] == text[t])
            {
                p++;
                t++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
