using System.Text;
using System.Text.Json;
using Monitoring.Grains.Checking;
using Monitoring.Grains.Conditions;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Grains.Monitors;

/// <summary>
/// The last step of an HTTP check's classification (monitors.md, "Conditions"): every condition is evaluated against
/// what the check saw; the first that fails makes the result <c>down</c> with <c>condition failed: … (got …)</c>, unless
/// an earlier rule already made it down (its error stays). Each outcome is kept in <c>condition_results</c>.
/// </summary>
public static class ConditionStep
{
    /// <summary>
    /// <paramref name="result"/> with the conditions applied. A condition that no longer parses (stored before a rule
    /// changed) counts as failed. No conditions: the result as it was, with <c>condition_results</c> null.
    /// </summary>
    public static CheckResult Apply(CheckResult result, HttpObservation observation, IReadOnlyList<string> conditions, DateTimeOffset now)
    {
        if (conditions.Count == 0)
        {
            return result;
        }

        var parsed = new List<Condition>(conditions.Count);
        var outcomes = new ConditionResult?[conditions.Count];
        for (var i = 0; i < conditions.Count; i++)
        {
            if (ConditionParser.TryParse(conditions[i], out var condition, out var error))
            {
                parsed.Add(condition!);
            }
            else
            {
                outcomes[i] = new ConditionResult(conditions[i], false, $"a condition that does not parse: {error}");
            }
        }

        var context = new ConditionContext(
            observation.StatusCode,
            observation.ResponseTimeMs,
            observation.StatusCode is null ? null : Encoding.UTF8.GetString(observation.Body.Span),
            observation.StatusCode is not null,
            observation.CertificateNotAfter is { } notAfter ? notAfter - now : null,
            observation.Headers ?? EmptyHeaders);
        var evaluated = ConditionEvaluator.EvaluateAll(parsed, context);
        var next = 0;
        for (var i = 0; i < outcomes.Length; i++)
        {
            outcomes[i] ??= evaluated[next++];
        }

        var all = outcomes.Select(o => o!).ToList();
        result = result with { ConditionResultsJson = ToJson(all) };
        return ConditionEvaluator.FirstFailure(all) is { } failure && result.Status != HealthStatus.Down
            ? result with { Status = HealthStatus.Down, Error = failure }
            : result;
    }

    private static readonly IReadOnlyDictionary<string, string> EmptyHeaders = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    private static string ToJson(IReadOnlyList<ConditionResult> outcomes)
    {
        using var buffer = new MemoryStream();
        // Relaxed: the array is stored and served as JSON, never put into HTML; conditions are full of < and >.
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartArray();
            foreach (var outcome in outcomes)
            {
                writer.WriteStartObject();
                writer.WriteString("condition", outcome.Condition);
                writer.WriteBoolean("success", outcome.Success);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
