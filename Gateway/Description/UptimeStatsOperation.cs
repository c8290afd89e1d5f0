using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Monitoring.Gateway.Api;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Interfaces.Queries;

namespace Monitoring.Gateway.Description;

/// <summary>
/// <c>GET /uptime-stats</c> (api.md): one service's figures (<c>service_id</c>), or a page of them for every service of a
/// client (<c>client_id</c>, with <c>$limit</c> and <c>$skip</c>), over <c>period</c>, in <c>bucket</c>s when asked.
/// </summary>
public static class UptimeStatsOperation
{
    /// <summary>Adds the parameters and the two shapes of the answer.</summary>
    public static async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.Summary = "Uptime figures of a service, or of every service of a client";
        operation.Parameters ??= [];
        operation.Parameters.Add(FeathersParameters.Query("service_id", FieldSchemas.Integer(1), "The service whose figures to give (this or client_id is required)."));
        operation.Parameters.Add(FeathersParameters.Query("client_id", FieldSchemas.Integer(1), "Give a page of figures, one per service of this client."));
        operation.Parameters.Add(FeathersParameters.Query("period",
            new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[0-9]{1,5}[hd]$", Default = "24h" },
            $"How far back: `1h`, `24h`, `7d`, `30d`, `90d`, or any `Nh` / `Nd` up to {UptimePeriod.Longest.TotalDays} days."));
        operation.Parameters.Add(FeathersParameters.Query("bucket",
            new OpenApiSchema { Type = JsonSchemaType.String, Enum = FieldSchemas.Strings(["1h", "1d"]) },
            "Adds `buckets`: one entry per hour or UTC day of the period, oldest first."));
        operation.Parameters.Add(FeathersParameters.Query("$limit", FieldSchemas.Integer(0), $"With client_id: services per page (default {FindQuery.DefaultLimit}, at most {FindQuery.MaxLimit})."));
        operation.Parameters.Add(FeathersParameters.Query("$skip", FieldSchemas.Integer(0), "With client_id: services before the page."));

        var document = context.Document!;
        var one = await SchemaComponents.ReferenceAsync(document, nameof(UptimeStatsBody), typeof(UptimeStatsBody), Create, cancellationToken);
        var page = await SchemaComponents.ReferenceAsync(document, "PageOfUptimeStatsBody", typeof(Page<UptimeStatsBody>), async (type, token) =>
        {
            // The page's records refer to the one shape rather than repeat it.
            var schema = await Create(type, token);
            if (schema.Properties is { } properties && properties.TryGetValue("data", out var items) && items is OpenApiSchema data)
            {
                data.Items = one;
            }

            return schema;
        }, cancellationToken);
        operation.Responses ??= [];
        operation.Responses["200"] = new OpenApiResponse
        {
            Description = "One object for service_id; a page of them for client_id.",
            Content = new Dictionary<string, OpenApiMediaType> { [ApiContent.Json] = new() { Schema = new OpenApiSchema { OneOf = [one, page] } } },
        };

        Task<OpenApiSchema> Create(Type type, CancellationToken token) => context.GetOrCreateSchemaAsync(type, null, token);
    }
}
