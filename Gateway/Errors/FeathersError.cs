using System.Text.Json.Serialization;

namespace Monitoring.Gateway.Errors;

/// <summary>
/// The error object Feathers clients understand: the client rebuilds the error class from <see cref="Name"/>.
/// <see cref="Errors"/> (per-field reasons) and <see cref="Data"/> appear only when set.
/// </summary>
public sealed record FeathersError(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("className")] string ClassName,
    [property: JsonPropertyName("errors"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyDictionary<string, string>? Errors = null,
    [property: JsonPropertyName("data"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyDictionary<string, string>? Data = null)
{
    public static FeathersError Of(int code, string message, IReadOnlyDictionary<string, string>? errors = null, IReadOnlyDictionary<string, string>? data = null)
    {
        var (name, className) = code switch
        {
            400 => ("BadRequest", "bad-request"),
            401 => ("NotAuthenticated", "not-authenticated"),
            403 => ("Forbidden", "forbidden"),
            404 => ("NotFound", "not-found"),
            405 => ("MethodNotAllowed", "method-not-allowed"),
            406 => ("NotAcceptable", "not-acceptable"),
            408 => ("Timeout", "timeout"),
            409 => ("Conflict", "conflict"),
            411 => ("LengthRequired", "length-required"),
            413 => ("PayloadTooLarge", "payload-too-large"),
            415 => ("UnsupportedMediaType", "unsupported-media-type"),
            422 => ("Unprocessable", "unprocessable"),
            429 => ("TooManyRequests", "too-many-requests"),
            501 => ("NotImplemented", "not-implemented"),
            503 => ("Unavailable", "unavailable"),
            _ => ("GeneralError", "general-error"),
        };
        return new FeathersError(name, message, code is >= 400 and <= 599 ? code : 500, className, errors, data);
    }
}
