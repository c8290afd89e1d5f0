using Monitoring.Grains.Interfaces.Models;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Monitoring.Grains.Checking;

/// <summary>
/// What a JSON health body says about itself: its top-level <c>status</c>, and the entries of
/// <c>checks</c>, <c>services</c> or <c>dependencies</c> (strings, or objects with a <c>status</c>).
/// A body that is not JSON, or not an object, says nothing.
/// </summary>
public sealed record ReportedHealth(
    string? ReportedStatus,
    HealthStatus? Status,
    string? Reason,
    string? BadDependency,
    string? BadDependencyReason,
    string? DetailsJson)
{
    public const int MaxDetailsBytes = 16 * 1024;

    private static readonly string[] DependencyKeys = ["checks", "services", "dependencies"];
    private static readonly string[] ReasonKeys = ["message", "error", "reason", "description", "details", "msg", "output"];

    public static readonly ReportedHealth Nothing = new(null, null, null, null, null, null);

    /// <summary>Reads a UTF-8 body (a leading byte-order mark is allowed); anything that is not a JSON object says nothing.</summary>
    public static ReportedHealth Inspect(ReadOnlyMemory<byte> body)
    {
        if (body.Span.StartsWith(Utf8Bom))
        {
            body = body[Utf8Bom.Length..];
        }

        var span = body.Span.TrimStart(" \t\r\n"u8);
        if (span.IsEmpty || span[0] != (byte)'{')
        {
            return Nothing;
        }

        try
        {
            using var document = JsonDocument.Parse(JsonEscapes.Normalize(body), new JsonDocumentOptions { MaxDepth = 32 });
            return Inspect(document.RootElement);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            // Not JSON, not valid UTF-8, or deeper than allowed: the body says nothing about health.
            return Nothing;
        }
    }

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private static ReportedHealth Inspect(JsonElement root)
    {
        string? reported = null;
        HealthStatus? status = null;
        if (root.TryGetProperty("status", out var statusElement) && statusElement.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined))
        {
            reported = statusElement.ValueKind == JsonValueKind.String ? statusElement.GetString() : statusElement.GetRawText();
            status = Classify(reported);
        }

        string? badDependency = null;
        string? dependencyReason = null;
        string? details = null;
        foreach (var key in DependencyKeys)
        {
            if (!root.TryGetProperty(key, out var entries) || entries.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
            {
                continue;
            }

            details ??= CapDetails(entries);
            if (badDependency is null)
            {
                (badDependency, dependencyReason) = FirstBadEntry(entries);
            }
        }

        return new ReportedHealth(reported, status, ReasonOf(root) ?? dependencyReason, badDependency, dependencyReason, details);
    }

    /// <summary>healthy/ok/up/pass: fine; degraded/warning/warn: degraded; unhealthy/error/down/fail/critical: down.</summary>
    public static HealthStatus? Classify(string? word) => word?.Trim().ToLowerInvariant() switch
    {
        "healthy" or "ok" or "up" or "pass" => HealthStatus.Up,
        "degraded" or "warning" or "warn" => HealthStatus.Degraded,
        "unhealthy" or "error" or "down" or "fail" or "critical" => HealthStatus.Down,
        _ => null,
    };

    private static (string? Name, string? Reason) FirstBadEntry(JsonElement entries)
    {
        var index = 0;
        if (entries.ValueKind == JsonValueKind.Object)
        {
            foreach (var entry in entries.EnumerateObject())
            {
                if (IsBad(entry.Value))
                {
                    return (entry.Name, ReasonOf(entry.Value));
                }
            }

            return (null, null);
        }

        foreach (var entry in entries.EnumerateArray())
        {
            if (IsBad(entry))
            {
                var name = entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String
                    ? n.GetString()
                    : $"#{index}";
                return (name, ReasonOf(entry));
            }

            index++;
        }

        return (null, null);
    }

    private static bool IsBad(JsonElement entry)
    {
        var word = entry.ValueKind switch
        {
            JsonValueKind.String => entry.GetString(),
            JsonValueKind.Object when entry.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String => s.GetString(),
            _ => null,
        };
        return Classify(word) is HealthStatus.Degraded or HealthStatus.Down;
    }

    private static string? ReasonOf(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var key in ReasonKeys)
        {
            if (element.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text)
            {
                return text.Length <= 200 ? text : text[..200] + "…";
            }
        }

        return null;
    }

    /// <summary>The entries as JSON; past <see cref="MaxDetailsBytes"/>, whole entries are dropped and counted.</summary>
    private static string CapDetails(JsonElement entries)
    {
        var raw = entries.GetRawText();
        if (Encoding.UTF8.GetByteCount(raw) <= MaxDetailsBytes)
        {
            return raw;
        }

        // Measure each entry as it will be written (the writer may escape differently from the body).
        const int reserve = 32; // ,"_truncated":<count>}
        var kept = new List<string>();
        var size = 1;
        var omitted = 0;
        var items = entries.ValueKind == JsonValueKind.Object
            ? entries.EnumerateObject().Select(p => (p.Name, p.Value))
            : entries.EnumerateArray().Select((v, i) => (i.ToString(System.Globalization.CultureInfo.InvariantCulture), v));
        foreach (var (name, value) in items)
        {
            var entry = Entry(name, value);
            var bytes = Encoding.UTF8.GetByteCount(entry) + 1;
            if (size + bytes + reserve > MaxDetailsBytes)
            {
                omitted++;
                continue;
            }

            kept.Add(entry);
            size += bytes;
        }

        kept.Add($"\"_truncated\":{omitted}");
        return "{" + string.Join(',', kept) + "}";
    }

    private static string Entry(string name, JsonElement value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WritePropertyName(name);
            value.WriteTo(writer);
            writer.WriteEndObject();
        }

        var json = Encoding.UTF8.GetString(buffer.ToArray());
        return json[1..^1];
    }
}
