using System.Reflection;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Monitoring.Gateway.Description;

/// <summary>The document's title, version and the overview a reader needs first (keys, finds, errors), its tags, no servers.</summary>
public sealed class DocumentOverview : IOpenApiDocumentTransformer
{
    private static readonly string Version =
        typeof(DocumentOverview).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["clients"] = "The customers whose services are monitored.",
        ["client-services"] = "The monitored endpoints (http, tcp, heartbeat), each checked on its cron schedule.",
        ["service-status"] = "Check results: an append-only history.",
        ["uptime-stats"] = "Uptime and response-time figures over a period.",
        ["incidents"] = "Stretches of trouble of one service; PATCH acknowledges.",
        ["alert-channels"] = "Where notifications go: webhook, Slack, Discord, Teams, PagerDuty, email.",
        ["alert-deliveries"] = "The notification outbox, read-only.",
        ["maintenance-windows"] = "One-off or recurring windows during which results are marked in_maintenance.",
        ["status-pages"] = "Public (or keyed) pages of chosen services of one client, served at /status/{slug}.",
        ["ping"] = "Where heartbeat jobs report, with their token instead of a key.",
        ["health"] = "The gateway's own health, open.",
    };

    private const string Overview = """
        An uptime monitor with the REST surface of a FeathersJS service.

        **Keys.** Every call but health, `/ping` and this description needs an API key: `Authorization: Bearer <key>` or
        `X-Api-Key: <key>`. A key scoped to a client sees and changes only that client's data (other ids are 404).

        **Finds** answer a page `{ "total", "limit", "skip", "data": [...] }` and take the Feathers common query: `$limit`
        (default 50, at most 100), `$skip`, `$sort[field]=1|-1`, `$select[]=field`, `field=value`, `field[$in][]=a`,
        `field[$nin][]=a`, `field[$lt]`, `[$lte]`, `[$gt]`, `[$gte]`, `[$ne]`, `[$like]`, `[$notlike]`, `[$ilike]` on text,
        and `$or[0][field]=a&$or[1][field]=b` (or `$and[...]`) to combine conditions. An unknown field or a malformed
        value is a 400. A get takes `$select[]` too.

        **Errors** are Feathers error objects: `{ "name", "message", "code", "className", "errors"?, "data"? }`.

        **Live feed.** The SignalR hub at `/hub` (not described here) sends every change as the Feathers event
        (`clients created`, `service-status created`, ...) with the same JSON record as the REST API.
        """;

    /// <summary>Sets the info and the tags used by the operations.</summary>
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo { Title = "Monitoring API", Version = Version, Description = Overview };

        // No server: the generator would name the one the request reached, wrong behind a proxy; without one, the
        // operations are relative to where the document was fetched (OpenAPI's default, "/").
        document.Servers = null;
        var used = (document.Paths?.Values ?? Enumerable.Empty<IOpenApiPathItem>())
            .SelectMany(path => path.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>())
            .SelectMany(operation => operation.Tags ?? new HashSet<OpenApiTagReference>())
            .Select(tag => tag.Name)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal);
        document.Tags = new HashSet<OpenApiTag>(used.Select(name => new OpenApiTag { Name = name, Description = TagDescriptions.GetValueOrDefault(name) }));
        return Task.CompletedTask;
    }
}
