using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Monitoring.Gateway.Api;

namespace Monitoring.Gateway.Description;

/// <summary>
/// <c>/ping/{token}</c> and <c>/ping/{token}/{action}</c> (monitors.md, "heartbeat"): where jobs report, without an API
/// key; <c>GET</c>, <c>POST</c> (with an optional body) or <c>HEAD</c>.
/// </summary>
public static class PingOperation
{
    /// <summary>Describes the path parameters, a POST's body and the plain-text answer.</summary>
    public static Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var method = context.Description.HttpMethod ?? "GET";
        operation.Summary = context.Description.RelativePath?.EndsWith("{action}", StringComparison.Ordinal) == true
            ? "Report a heartbeat's start, failure or exit status"
            : "Report a heartbeat";
        operation.Description = "Open: the token is the secret. Limited per token (`RateLimit__PingsPerSecond`; past it: 429). "
            + $"A body larger than {PingApi.MaxBodyBytes / 1024} KiB is a 413.";
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            parameter.Description = parameter.Name switch
            {
                "token" => "The service's ping token: the end of its ping_url.",
                "action" => "`start` (the job began), `fail` (it failed), or its exit status from 0 to 255 (0: success, else failure).",
                _ => parameter.Description,
            };
            if (parameter.Name == "action")
            {
                parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^(start|fail|[0-9]{1,3})$" };
            }
        }

        if (HttpMethods.IsPost(method))
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = false,
                Description = $"Optional: the job's output; its first {PingApi.KeptBodyBytes / 1024} KiB is kept with the result (a start's body is ignored).",
                Content = new Dictionary<string, OpenApiMediaType> { ["*/*"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } } },
            };
        }

        operation.Responses ??= [];
        operation.Responses["200"] = new OpenApiResponse
        {
            Description = "The report was taken.",
            Content = HttpMethods.IsHead(method)
                ? null
                : new Dictionary<string, OpenApiMediaType> { [ApiContent.Text] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Const = "OK" } } },
        };
        return Task.CompletedTask;
    }
}
