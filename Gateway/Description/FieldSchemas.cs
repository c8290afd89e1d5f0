using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Monitoring.Grains.Interfaces.Queries;

namespace Monitoring.Gateway.Description;

/// <summary>JSON schemas of single values: a resource field's type as a query or a record carries it.</summary>
public static class FieldSchemas
{
    /// <summary>The schema of one value of <paramref name="field"/> (its allowed values as an enum).</summary>
    public static OpenApiSchema Value(ResourceField field)
    {
        var schema = field.Kind switch
        {
            FieldKind.Integer => Integer(),
            FieldKind.Boolean => new OpenApiSchema { Type = JsonSchemaType.Boolean },
            FieldKind.Time => new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" },
            _ => new OpenApiSchema { Type = JsonSchemaType.String },
        };
        if (field.AllowedValues is { } allowed)
        {
            schema.Enum = Strings(allowed);
        }

        return schema;
    }

    /// <summary>A 64-bit integer, at least <paramref name="minimum"/> when given.</summary>
    public static OpenApiSchema Integer(long? minimum = null) => new()
    {
        Type = JsonSchemaType.Integer,
        Format = "int64",
        Minimum = minimum?.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>An array of <paramref name="items"/>.</summary>
    public static OpenApiSchema ArrayOf(IOpenApiSchema items) => new() { Type = JsonSchemaType.Array, Items = items };

    /// <summary>The words as JSON string values, for an enum.</summary>
    public static List<JsonNode> Strings(IEnumerable<string> words) => words.Select(w => (JsonNode)JsonValue.Create(w)).ToList();
}
