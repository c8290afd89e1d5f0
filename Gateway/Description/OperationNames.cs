using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Monitoring.Gateway.Description;

/// <summary>
/// Names each operation the Feathers way, from its path and method: the tag is the resource (or <c>health</c>, <c>ping</c>),
/// the id is <c>{resource}-{method}</c> (find, get, create, update, patch, remove, or the action after the id), and an
/// operation without a summary gets one. An <c>{id}</c> in a path is a positive integer.
/// </summary>
public sealed class OperationNames : IOpenApiOperationTransformer
{
    private static readonly HashSet<string> HealthPaths = ["livez", "readyz", "healthz", "health"];

    /// <summary>Sets the tag, operation id, summary and the id parameter's schema.</summary>
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var segments = (context.Description.RelativePath ?? string.Empty).Trim('/').Split('/');
        var method = (context.Description.HttpMethod ?? "GET").ToUpperInvariant();
        var resource = segments[0];
        var tag = HealthPaths.Contains(resource) ? "health" : resource;
        operation.Tags = new HashSet<OpenApiTagReference> { new(tag, context.Document) };

        var verb = Verb(segments, method);
        operation.OperationId = tag == "health" ? resource : $"{resource}-{verb}";
        operation.Summary ??= verb switch
        {
            "find" => $"Find {resource} (a page)",
            "get" => $"Get one of {resource}",
            "create" => $"Create one of {resource}",
            "update" => $"Replace one of {resource}",
            "patch" => $"Change fields of one of {resource}",
            "remove" => $"Remove one of {resource} (answers with it)",
            _ => null,
        };

        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            if (parameter is { Name: "id", In: ParameterLocation.Path })
            {
                parameter.Schema = FieldSchemas.Integer(1);
                parameter.Description = "The record's id.";
            }
        }

        return Task.CompletedTask;
    }

    private static string Verb(string[] segments, string method) => segments switch
    {
        ["ping", ..] => string.Join('-', segments.Skip(2).Select(s => s.Trim('{', '}')).Append(method.ToLowerInvariant())),
        [_] => method switch
        {
            "GET" => "find",
            "POST" => "create",
            _ => method.ToLowerInvariant(),
        },
        [_, "{id}"] => method switch
        {
            "GET" => "get",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" => "remove",
            _ => method.ToLowerInvariant(),
        },
        _ => segments[^1],
    };
}
