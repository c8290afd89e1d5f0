using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Monitoring.Gateway.Errors;

namespace Monitoring.Gateway.Description;

/// <summary>
/// Every failure is a Feathers error object (api.md, "Errors"; FeathersError): each operation answers <c>4XX</c> and
/// <c>5XX</c> with it, through two shared responses in the components.
/// </summary>
public sealed class FeathersErrorResponses : IOpenApiDocumentTransformer, IOpenApiOperationTransformer
{
    /// <summary>The response of a bad request.</summary>
    public const string ClientError = "FeathersClientError";

    /// <summary>The response of a failure on the server's side.</summary>
    public const string ServerError = "FeathersServerError";

    /// <summary>Adds the error object's schema and the two responses to the components.</summary>
    public async Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var schema = await SchemaComponents.ReferenceAsync(document, nameof(FeathersError), typeof(FeathersError),
            (type, token) => context.GetOrCreateSchemaAsync(type, null, token), cancellationToken);
        document.AddComponent<IOpenApiResponse>(ClientError, Response(schema,
            "A Feathers error: 400 BadRequest (bad input; `errors` names the fields), 401 NotAuthenticated (no or a wrong key), "
            + "403 Forbidden, 404 NotFound (also another client's record for a scoped key), 405 MethodNotAllowed, 409 Conflict, "
            + "413 PayloadTooLarge, 429 TooManyRequests (with Retry-After)."));
        document.AddComponent<IOpenApiResponse>(ServerError, Response(schema,
            "A Feathers error: 503 Unavailable (the database or the cluster cannot be reached), 500 GeneralError."));
    }

    /// <summary>Refers the operation's 4XX and 5XX to the shared responses, unless it describes them itself.</summary>
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.Responses ??= [];
        operation.Responses.TryAdd("4XX", new OpenApiResponseReference(ClientError, context.Document));
        operation.Responses.TryAdd("5XX", new OpenApiResponseReference(ServerError, context.Document));
        return Task.CompletedTask;
    }

    private static OpenApiResponse Response(IOpenApiSchema schema, string description) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType> { [ApiContent.Json] = new() { Schema = schema } },
    };
}
