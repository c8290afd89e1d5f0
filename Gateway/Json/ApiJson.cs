using System.Text.Encodings.Web;
using System.Text.Json;

namespace Monitoring.Gateway.Json;

/// <summary>
/// The gateway's JSON: <see cref="ApiJsonContext"/> with relaxed escaping, so quotes and non-ASCII letters
/// are written as themselves (the bodies are JSON for API clients, never embedded in HTML).
/// </summary>
public static class ApiJson
{
    public static readonly ApiJsonContext Context = new(new JsonSerializerOptions(ApiJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
