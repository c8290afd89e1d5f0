using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Monitoring.Gateway.Description;

/// <summary>
/// The two ways to present an API key (ApiKeyAuthenticationHandler): <c>Authorization: Bearer &lt;key&gt;</c> and
/// <c>X-Api-Key: &lt;key&gt;</c>. An operation needs one of them exactly when its endpoint requires authorization.
/// </summary>
public sealed class ApiKeySecurity : IOpenApiDocumentTransformer, IOpenApiOperationTransformer
{
    /// <summary>The scheme of <c>Authorization: Bearer &lt;key&gt;</c>.</summary>
    public const string Bearer = "bearer";

    /// <summary>The scheme of <c>X-Api-Key: &lt;key&gt;</c>.</summary>
    public const string Header = "apiKey";

    /// <summary>Adds the two schemes to the components.</summary>
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.AddComponent<IOpenApiSecurityScheme>(Bearer, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "API key",
            Description = "`Authorization: Bearer <key>`, a key from `API_KEYS` (a key scoped to a client sees only that client's data). "
                + "The live feed (`/hub`, SignalR) also takes it as `?access_token=<key>`.",
        });
        document.AddComponent<IOpenApiSecurityScheme>(Header, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = "X-Api-Key",
            Description = "`X-Api-Key: <key>`, the same keys as the bearer scheme.",
        });
        return Task.CompletedTask;
    }

    /// <summary>Either scheme, for an operation whose endpoint requires authorization (and does not allow anonymous calls).</summary>
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any())
        {
            operation.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, context.Document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Header, context.Document)] = [] },
            ];
        }

        return Task.CompletedTask;
    }
}
