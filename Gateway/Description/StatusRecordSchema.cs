using Microsoft.OpenApi;

namespace Monitoring.Gateway.Description;

/// <summary>
/// A service-status record as StatusRecordConverter writes it: <c>details</c> and <c>condition_results</c> are the JSON
/// the check stored (an object, an array of <c>{condition, success}</c>), not the text the record carries them in.
/// </summary>
public static class StatusRecordSchema
{
    /// <summary>Replaces the two text properties with what is written in their place.</summary>
    public static void Apply(OpenApiSchema schema)
    {
        if (schema.Properties is not { } properties)
        {
            return;
        }

        Replace(properties, "details_json", "details", new OpenApiSchema
        {
            Type = JsonSchemaType.Object | JsonSchemaType.Null,
            Description = "What the check saw beyond the status (a JSON object), or null.",
        });
        Replace(properties, "condition_results_json", "condition_results", new OpenApiSchema
        {
            Type = JsonSchemaType.Array | JsonSchemaType.Null,
            Description = "Each condition of the service and whether it held, or null when it has none.",
            Items = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["condition"] = new OpenApiSchema { Type = JsonSchemaType.String },
                    ["success"] = new OpenApiSchema { Type = JsonSchemaType.Boolean },
                },
            },
        });
    }

    private static void Replace(IDictionary<string, IOpenApiSchema> properties, string from, string to, IOpenApiSchema schema)
    {
        if (!properties.Remove(from))
        {
            throw new InvalidOperationException($"StatusRecord has no {from} any more: update {nameof(StatusRecordSchema)} with StatusRecordConverter.");
        }

        properties[to] = schema;
    }
}
