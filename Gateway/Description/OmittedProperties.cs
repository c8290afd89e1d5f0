using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Monitoring.Gateway.Description;

/// <summary>
/// A property the serializer may leave out (<c>JsonIgnore(Condition = WhenWritingNull)</c>: an uptime report's
/// <c>buckets</c>, a channel's <c>secret</c>) is not required, whatever its constructor says.
/// </summary>
public sealed class OmittedProperties : IOpenApiSchemaTransformer
{
    /// <summary>Drops such properties from an object schema's required list.</summary>
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonPropertyInfo is null && schema.Required is { Count: > 0 } required)
        {
            foreach (var property in context.JsonTypeInfo.Properties.Where(p => p.ShouldSerialize is not null))
            {
                required.Remove(property.Name);
            }
        }

        return Task.CompletedTask;
    }
}
