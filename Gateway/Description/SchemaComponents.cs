using Microsoft.OpenApi;

namespace Monitoring.Gateway.Description;

/// <summary>Schemas the transformers add to the document's components themselves, and references to them.</summary>
public static class SchemaComponents
{
    /// <summary>
    /// A reference to the component <paramref name="id"/>, first made from <paramref name="type"/> by
    /// <paramref name="create"/> (a transformer context's GetOrCreateSchemaAsync) when the document has none yet.
    /// </summary>
    public static async Task<IOpenApiSchema> ReferenceAsync(
        OpenApiDocument document, string id, Type type, Func<Type, CancellationToken, Task<OpenApiSchema>> create, CancellationToken cancellationToken)
    {
        if (document.Components?.Schemas?.ContainsKey(id) != true)
        {
            document.AddComponent(id, await create(type, cancellationToken));
        }

        return new OpenApiSchemaReference(id, document);
    }
}
