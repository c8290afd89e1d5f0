using Microsoft.OpenApi;
using Monitoring.Gateway.Health;
using Monitoring.Grains.Interfaces.Queries;

namespace Monitoring.Gateway.Description;

/// <summary>What an endpoint's mapping adds to its operation in the API description, beside its response types.</summary>
public static class EndpointDescriptions
{
    /// <summary>The Feathers query of a find of <paramref name="resource"/>: paging, sorting, selecting and a filter per field.</summary>
    public static RouteHandlerBuilder WithFindParameters(this RouteHandlerBuilder builder, Resource resource) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) => AddParameters(operation, FeathersParameters.Find(resource)));

    /// <summary>The <c>$select[]</c> of a get of <paramref name="resource"/>.</summary>
    public static RouteHandlerBuilder WithSelectParameter(this RouteHandlerBuilder builder, Resource resource) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) => AddParameters(operation, [FeathersParameters.Select(resource)]));

    /// <summary>
    /// A JSON body of <typeparamref name="T"/>'s schema, for the description only: the handler reads the body itself, and
    /// declaring it (Accepts) would make routing refuse other content types with a bare 415.
    /// </summary>
    public static RouteHandlerBuilder WithRequestBody<T>(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var schema = await SchemaComponents.ReferenceAsync(context.Document!, typeof(T).Name, typeof(T),
                (type, token) => context.GetOrCreateSchemaAsync(type, null, token), cancellationToken);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = "A JSON object of the writable fields (for a patch, only those to change). Read-only fields sent back are ignored; unknown ones are a 400.",
                Content = new Dictionary<string, OpenApiMediaType> { [ApiContent.Json] = new() { Schema = schema } },
            };
        });

    /// <summary>/readyz and /healthz: 200 when an API call would be served now, else 503.</summary>
    public static RouteHandlerBuilder DescribeReadiness(this RouteHandlerBuilder builder) =>
        builder.Produces<LivenessBody>().Produces<LivenessBody>(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Whether an API call would be served now");

    /// <summary>The uptime-stats find: its own parameters and its two shapes of answer.</summary>
    public static RouteHandlerBuilder DescribeUptimeStats(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer(UptimeStatsOperation.TransformAsync);

    /// <summary>A heartbeat report: the token, the optional action, the optional body, the plain-text answer.</summary>
    public static RouteHandlerBuilder DescribePing(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer(PingOperation.TransformAsync);

    private static Task AddParameters(OpenApiOperation operation, IEnumerable<IOpenApiParameter> parameters)
    {
        operation.Parameters ??= [];
        foreach (var parameter in parameters)
        {
            operation.Parameters.Add(parameter);
        }

        return Task.CompletedTask;
    }
}
