using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Interfaces.Queries;

namespace Monitoring.Gateway.Description;

/// <summary>
/// The Feathers common query of a resource as OpenAPI query parameters, generated from its <see cref="Resource"/>
/// fields, the ones FeathersQueryParser reads, so the description follows the parser: <c>$limit</c>, <c>$skip</c>,
/// <c>$sort[field]</c>, <c>$select[]</c>, and per filterable field <c>field</c> (equal; repeated: any of),
/// <c>field[$ne]</c>, <c>field[$in][]</c>, <c>field[$nin][]</c>, on numbers, times and free text
/// <c>field[$lt|$lte|$gt|$gte]</c>, and on free text <c>field[$like|$notlike|$ilike]</c>.
/// (<c>$or</c> and <c>$and</c> nest these conditions; the document's description shows them.)
/// </summary>
public static class FeathersParameters
{
    private static readonly (string Operator, string Meaning)[] Ordering =
    [
        ("$lt", "less than"), ("$lte", "at most"), ("$gt", "greater than"), ("$gte", "at least"),
    ];

    private static readonly (string Operator, string Meaning)[] Patterns =
    [
        ("$like", "matches the SQL LIKE pattern (% any text, _ one character)"),
        ("$notlike", "does not match the SQL LIKE pattern"),
        ("$ilike", "matches the SQL LIKE pattern, ignoring case"),
    ];

    /// <summary>Every parameter of a find of <paramref name="resource"/>.</summary>
    public static IEnumerable<IOpenApiParameter> Find(Resource resource)
    {
        yield return Query("$limit", WithDefault(FieldSchemas.Integer(0), FindQuery.DefaultLimit),
            $"How many records a page holds (default {FindQuery.DefaultLimit}; more than {FindQuery.MaxLimit} is {FindQuery.MaxLimit}).");
        yield return Query("$skip", WithDefault(FieldSchemas.Integer(0), 0), "How many matching records come before the page.");
        yield return Sort(resource);
        yield return Select(resource);
        foreach (var field in resource.Fields.Where(f => f.Queryable))
        {
            foreach (var parameter in Filters(field))
            {
                yield return parameter;
            }
        }
    }

    /// <summary><c>$select[]</c>: the fields to return (the id always comes too).</summary>
    public static IOpenApiParameter Select(Resource resource) =>
        Query("$select[]", FieldSchemas.ArrayOf(new OpenApiSchema { Type = JsonSchemaType.String, Enum = FieldSchemas.Strings(resource.Fields.Select(f => f.Name)) }),
            "Only these fields of each record (and its id), e.g. `$select[]=id&$select[]=name`.");

    /// <summary><c>$sort[field]=1|-1</c>, a deep object: ascending or descending, in the order given.</summary>
    private static IOpenApiParameter Sort(Resource resource)
    {
        var direction = new OpenApiSchema { Type = JsonSchemaType.Integer, Enum = [JsonValue.Create(1), JsonValue.Create(-1)] };
        var schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Properties = resource.Fields.Where(f => f.Queryable).ToDictionary(f => f.Name, IOpenApiSchema (_) => direction),
            AdditionalPropertiesAllowed = false,
        };
        var parameter = Query("$sort", schema, "Sort by these fields, `1` ascending or `-1` descending, in the order given, e.g. `$sort[created_at]=-1`.");
        parameter.Style = ParameterStyle.DeepObject;
        parameter.Explode = true;
        return parameter;
    }

    private static IEnumerable<OpenApiParameter> Filters(ResourceField field)
    {
        var value = FieldSchemas.Value(field);
        var nullable = field.Nullable
            ? field.Kind == FieldKind.Text && field.AllowedValues is null ? " An empty value matches null." : " An empty value or `null` matches null."
            : string.Empty;
        yield return Query(field.Name, value, $"Records whose {field.Name} equals this (repeated: any of these).{nullable}");
        yield return Query($"{field.Name}[$ne]", value, $"Records whose {field.Name} differs from this.{nullable}");
        yield return Query($"{field.Name}[$in][]", FieldSchemas.ArrayOf(value), $"Records whose {field.Name} is one of these.");
        yield return Query($"{field.Name}[$nin][]", FieldSchemas.ArrayOf(value), $"Records whose {field.Name} is none of these.");
        var freeText = field.Kind == FieldKind.Text && field.AllowedValues is null;
        if (field.Kind is FieldKind.Integer or FieldKind.Time || freeText)
        {
            foreach (var (op, meaning) in Ordering)
            {
                yield return Query($"{field.Name}[{op}]", value, $"Records whose {field.Name} is {meaning} this.");
            }
        }

        if (freeText)
        {
            foreach (var (op, meaning) in Patterns)
            {
                yield return Query($"{field.Name}[{op}]", value, $"Records whose {field.Name} {meaning}.");
            }
        }
    }

    private static OpenApiSchema WithDefault(OpenApiSchema schema, int value)
    {
        schema.Default = JsonValue.Create(value);
        return schema;
    }

    /// <summary>A query parameter; form style, exploded (OpenAPI's default): a list is the name repeated.</summary>
    public static OpenApiParameter Query(string name, IOpenApiSchema schema, string description) => new()
    {
        Name = name,
        In = ParameterLocation.Query,
        Description = description,
        Schema = schema,
    };
}
