using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Monitoring.Gateway.Api;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Interfaces.Queries;

namespace Monitoring.Gateway.Description;

/// <summary>
/// Completes the schemas of the resources' records with what the serializer cannot see: the values a field may take
/// (from its <see cref="Resource"/>), that only <c>id</c> is sure to be present (<c>$select</c> and a scoped key's view
/// of a shared channel leave fields out), which fields a write ignores (<c>readOnly</c>, from FieldsBinding) and the
/// write-only ones a record never shows. A record is also the body of its create, patch and update. It works on the
/// document's components, once they are made (a schema transformer would see a shared enum's schema as a property's).
/// </summary>
public sealed class RecordSchemas : IOpenApiDocumentTransformer
{
    private static readonly Dictionary<Type, (Resource Resource, IReadOnlyCollection<string> ReadOnly)> Records = new()
    {
        [typeof(ClientRecord)] = (Resource.Clients, FieldsBinding.ClientReadOnly),
        [typeof(ServiceRecord)] = (Resource.ClientServices, FieldsBinding.ServiceReadOnly),
        [typeof(StatusRecord)] = (Resource.ServiceStatus, []),
        [typeof(IncidentRecord)] = (Resource.Incidents, []),
        [typeof(AlertChannelRecord)] = (Resource.AlertChannels, FieldsBinding.ChannelReadOnly),
        [typeof(DeliveryRecord)] = (Resource.AlertDeliveries, []),
        [typeof(MaintenanceWindowRecord)] = (Resource.MaintenanceWindows, FieldsBinding.WindowReadOnly),
        [typeof(StatusPageRecord)] = (Resource.StatusPages, FieldsBinding.PageReadOnly),
    };

    /// <summary>The record type of each resource, as its schema is named in the document.</summary>
    public static IEnumerable<(Type Record, Resource Resource)> Resources => Records.Select(r => (r.Key, r.Value.Resource));

    /// <summary>Completes the schema of each record the document holds, and of the status they share.</summary>
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        // A nullable use of the status comes first, and the generator's schema then lacks its type; where null is
        // allowed, the property says so itself (oneOf null or this).
        if (document.Components?.Schemas is { } all && all.ContainsKey(nameof(HealthStatus)))
        {
            all[nameof(HealthStatus)] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Enum = FieldSchemas.Strings(Enum.GetValues<HealthStatus>().Select(s => s.ToWire())),
                Description = "The class of a check: up, degraded (slow, or a dependency is down) or down.",
            };
        }

        foreach (var (type, record) in Records)
        {
            if (document.Components?.Schemas is { } schemas && schemas.TryGetValue(type.Name, out var found)
                && found is OpenApiSchema { Properties: { } properties } schema)
            {
                Complete(type, schema, properties, record.Resource, record.ReadOnly);
            }
        }

        return Task.CompletedTask;
    }

    private static void Complete(Type type, OpenApiSchema schema, IDictionary<string, IOpenApiSchema> properties, Resource resource, IReadOnlyCollection<string> readOnly)
    {
        if (type == typeof(StatusRecord))
        {
            StatusRecordSchema.Apply(schema);
        }

        if (type == typeof(ServiceRecord))
        {
            properties["basic_auth_password"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String | JsonSchemaType.Null,
                WriteOnly = true,
                Description = "Sent with basic_auth_username; stored encrypted and never returned (see has_basic_auth_password).",
            };
        }

        if (type == typeof(AlertChannelRecord) && properties.TryGetValue("secret", out var secret) && secret is OpenApiSchema secretSchema)
        {
            secretSchema.WriteOnly = true;
            secretSchema.Description = "The webhook signing secret or PagerDuty routing key: stored encrypted, never returned, except once in the answer to the create that generated it.";
        }

        schema.Required = new HashSet<string> { "id" };
        foreach (var field in resource.Fields)
        {
            // A property that has its values already (a status) or refers to a shared schema keeps them.
            if (properties.TryGetValue(field.Name, out var property) && property is OpenApiSchema { Enum: null or { Count: 0 }, OneOf: null or { Count: 0 } } value
                && field.AllowedValues is { } allowed)
            {
                value.Enum = FieldSchemas.Strings(allowed);
                if (value.Type?.HasFlag(JsonSchemaType.Null) == true)
                {
                    value.Enum.Add(null!);
                }
            }
        }

        foreach (var name in readOnly)
        {
            if (properties.TryGetValue(name, out var property) && property is OpenApiSchema value)
            {
                value.ReadOnly = true;
            }
        }
    }
}
