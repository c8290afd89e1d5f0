using System.Text.Json;

namespace Monitoring.Grains.Monitors;

/// <summary>
/// A service's request headers in the order given (names as given; HTTP compares them case-insensitively). Stored as a
/// JSON object in client_services.request_headers (see <c>DapperSetup</c>).
/// </summary>
public sealed class HeaderList(KeyValuePair<string, string>[] items)
{
    public IReadOnlyList<KeyValuePair<string, string>> Items { get; } = items;

    /// <summary>The JSON object, in order.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in Items)
            {
                writer.WriteString(name, value);
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads a JSON object of string values (what <see cref="ToJson"/> wrote).</summary>
    public static HeaderList FromJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return new HeaderList(document.RootElement.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value.GetString() ?? string.Empty)).ToArray());
    }

    public Dictionary<string, string> ToDictionary()
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in Items)
        {
            map[name] = value;
        }

        return map;
    }
}
