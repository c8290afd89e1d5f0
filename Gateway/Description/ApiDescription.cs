using System.Text.Json;
using System.Text.Json.Serialization;
using Monitoring.Grains.Interfaces.Models;
using Scalar.AspNetCore;

namespace Monitoring.Gateway.Description;

/// <summary>
/// The API description (operations.md): <c>GET /openapi/v1.json</c>, an OpenAPI 3.1 document of every REST route, and
/// <c>GET /docs</c>, an API reference page over it. Both are open, and served before the cluster is reached.
/// </summary>
public static class ApiDescription
{
    /// <summary>The document's name, and so its path: <c>/openapi/v1.json</c>.</summary>
    public const string DocumentName = "v1";

    /// <summary>Where the document is served.</summary>
    public const string DocumentPath = "/openapi/" + DocumentName + ".json";

    /// <summary>Where the reference page is served.</summary>
    public const string PagePath = "/docs";

    /// <summary>
    /// The document does not change while the gateway runs and takes tens of milliseconds to make: it is made once an
    /// hour at most (output caching), so anonymous callers cannot keep the gateway busy making it.
    /// </summary>
    private const string CachePolicy = "api-description";

    /// <summary>Registers the document generator with the transformers that make it say what the gateway does.</summary>
    public static IServiceCollection AddApiDescription(this IServiceCollection services) =>
        services
            .AddOutputCache(o => o.AddPolicy(CachePolicy, policy => policy.Expire(TimeSpan.FromHours(1))))
            // The document's schemas are made with these options, which nothing else uses (every body is written with
            // ApiJson): the names, numbers and statuses ApiJson writes.
            .ConfigureHttpJsonOptions(o =>
            {
                o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
                o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
                o.SerializerOptions.Converters.Add(new JsonStringEnumConverter<HealthStatus>(JsonNamingPolicy.SnakeCaseLower));
            })
            .AddOpenApi(DocumentName, options =>
            {
                options.OpenApiVersion = Microsoft.OpenApi.OpenApiSpecVersion.OpenApi3_1;
                options.AddSchemaTransformer<OmittedProperties>();
                options.AddOperationTransformer<OperationNames>();
                options.AddOperationTransformer<ApiKeySecurity>();
                options.AddOperationTransformer<FeathersErrorResponses>();
                options.AddDocumentTransformer<ApiKeySecurity>();
                options.AddDocumentTransformer<FeathersErrorResponses>();
                options.AddDocumentTransformer<HealthReportPath>();
                options.AddDocumentTransformer<RecordSchemas>();
                options.AddDocumentTransformer<DocumentOverview>();
            });

    /// <summary>Maps the document and the reference page, both without a key (the pipeline must use the output cache).</summary>
    public static IEndpointRouteBuilder MapApiDescription(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous().CacheOutput(CachePolicy);
        app.MapScalarApiReference(PagePath, options => options
            .WithTitle("Monitoring API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")).AllowAnonymous();
        return app;
    }

    /// <summary>Whether <paramref name="path"/> is the document or the page (open, and served before the cluster is up).</summary>
    public static bool IsDescriptionPath(PathString path) =>
        path.StartsWithSegments("/openapi") || path.StartsWithSegments(PagePath);
}
