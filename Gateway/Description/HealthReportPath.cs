using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Monitoring.Gateway.Health;

namespace Monitoring.Gateway.Description;

/// <summary>
/// <c>GET /health</c>: mapped by MapHealthChecks, an endpoint the API explorer does not see, so its operation is added
/// here (HealthEndpoints: 200 while the database and cluster answer, 503 when one does not).
/// </summary>
public sealed class HealthReportPath : IOpenApiDocumentTransformer
{
    /// <summary>The path of the report.</summary>
    public const string Path = "/health";

    /// <summary>Adds the path with its two answers.</summary>
    public async Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var schema = await SchemaComponents.ReferenceAsync(document, nameof(HealthReportBody), typeof(HealthReportBody),
            (type, token) => context.GetOrCreateSchemaAsync(type, null, token), cancellationToken);
        var operation = new OpenApiOperation
        {
            OperationId = "health",
            Summary = "The database and the cluster, each with its response time",
            Tags = new HashSet<OpenApiTagReference> { new("health", document) },
            Responses = new OpenApiResponses
            {
                ["200"] = Report(schema, "Healthy: every dependency answered."),
                ["503"] = Report(schema, "Unhealthy: a dependency did not answer; its entry says why."),
            },
        };
        document.Paths ??= [];
        document.Paths[Path] = new OpenApiPathItem { Operations = new Dictionary<HttpMethod, OpenApiOperation> { [HttpMethod.Get] = operation } };
    }

    private static OpenApiResponse Report(IOpenApiSchema schema, string description) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType> { [ApiContent.Json] = new() { Schema = schema } },
    };
}
