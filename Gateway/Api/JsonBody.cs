using System.Text.Json;

namespace Monitoring.Gateway.Api;

/// <summary>Reads a request body as one JSON object; anything else is a 400 that says what was wrong.</summary>
public static class JsonBody
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 16 };

    /// <summary>
    /// Reads the body and binds its fields; the error to answer when the body is not a JSON object or a field is
    /// wrong (every field's problem in one 400).
    /// </summary>
    public static async Task<(T? Fields, IResult? Error)> ReadFieldsAsync<T>(HttpRequest request, Func<JsonElement, (T Fields, IReadOnlyDictionary<string, string> Errors)> bind)
        where T : class
    {
        var (document, error) = await ReadObjectAsync(request);
        if (document is null)
        {
            return (null, error);
        }

        using (document)
        {
            var (fields, errors) = bind(document.RootElement);
            return errors.Count > 0 ? (null, Errors.ErrorResults.From(Grains.Interfaces.Models.Failure.ForFields(errors))) : (fields, null);
        }
    }

    /// <summary>The parsed document, or the error to answer; an array body is reported separately (Feathers: multi-create).</summary>
    public static async Task<(JsonDocument? Document, IResult? Error)> ReadObjectAsync(HttpRequest request)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, Options, request.HttpContext.RequestAborted);
        }
        catch (JsonException ex)
        {
            var reason = ex.Message.Contains("does not contain any JSON tokens", StringComparison.Ordinal)
                ? "A JSON object body is required"
                : $"Malformed JSON body: {ex.Message.Split(" Path:", 2)[0]}";
            return (null, Errors.ErrorResults.BadRequest(reason));
        }

        if (document.RootElement.ValueKind == JsonValueKind.Object)
        {
            return (document, null);
        }

        var kind = document.RootElement.ValueKind;
        document.Dispose();
        return kind == JsonValueKind.Array
            ? (null, Errors.ErrorResults.Error(405, $"Can not {(HttpMethods.IsPost(request.Method) ? "create" : "patch")} multiple entries"))
            : (null, Errors.ErrorResults.BadRequest("The body must be a JSON object"));
    }
}
