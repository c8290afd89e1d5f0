using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using Monitoring.Gateway.Api;
using Monitoring.Gateway.Description;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Api;

/// <summary>
/// operations.md, "API description": /openapi/v1.json is a valid OpenAPI 3.1 document of every REST route the gateway
/// maps, and /docs a reference page over it; both open without a key, and before the gateway reaches a cluster (the
/// fixture's gateway never does).
/// </summary>
public sealed partial class ApiDescriptionTests(ClusterlessGatewayFixture fixture) : IClassFixture<ClusterlessGatewayFixture>
{
    /// <summary>
    /// Mapped routes that are not REST operations, so not described (a path and everything under it). Every other
    /// route must be in the document, with its method.
    /// </summary>
    private static readonly string[] NotOperations =
    [
        "/hub", // the live feed: SignalR (negotiate, websockets), described in api.md "Live feed", not REST
        "/openapi", // the description itself
        "/docs", // the reference page and its scripts
        "/__bench", // only with Bench:BareEndpoint, for scripts/bench.sh
        "/metrics", // Prometheus' text format for scrapers (docs/OPERATIONS.md), not a REST resource
        "/dashboard", // the Orleans dashboard's page and its own calls
        "/status-assets", // the status pages' script and style
    ];

    [Fact]
    public async Task The_document_is_open_valid_OpenAPI_3_1_even_before_the_cluster_is_reached()
    {
        // Arrange: no silo runs, so API calls answer 503, and a call without a key 401.
        using var admin = Client(InProcessFleet.AdminKey);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await admin.GetJsonAsync("/clients")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Anonymous.GetJsonAsync("/clients")).Status);

        // Act
        using var response = await fixture.Anonymous.GetAsync(ApiDescription.DocumentPath);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var (document, diagnostic) = OpenApiDocument.Parse(await response.Content.ReadAsStringAsync(), OpenApiConstants.Json);
        Assert.NotNull(document);
        Assert.NotNull(diagnostic);
        Assert.True(diagnostic.Errors.Count == 0, "Reading the document: " + string.Join("; ", diagnostic.Errors));
        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, diagnostic.SpecificationVersion);
        var errors = document.Validate(ValidationRuleSet.GetDefaultRuleSet())?.ToList() ?? [];
        Assert.True(errors.Count == 0, "Validating the document: " + string.Join("; ", errors));
        Assert.Equal(["apiKey", "bearer"], document.Components!.SecuritySchemes!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["className", "code", "message", "name"], ((OpenApiSchema)document.Components!.Schemas!["FeathersError"]).Required!.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Every_mapped_route_is_in_the_document_with_its_method_and_whether_it_needs_a_key()
    {
        // Arrange
        var document = await ReadDocumentAsync();
        var operations = Operations(document).ToDictionary(o => (o.Path, o.Method), o => o.Operation);
        var routes = fixture.Gateway.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<MethodNotAllowedEndpoint>() is null) // a 405 for a method a resource lacks
            .Select(e => (Path: Template(e.RoutePattern.RawText!), e.Metadata))
            .Where(r => !NotOperations.Any(p => r.Path == p || r.Path.StartsWith(p + "/", StringComparison.Ordinal)))
            .ToList();

        // Act
        var missing = new List<string>();
        var wrongSecurity = new List<string>();
        foreach (var (path, metadata) in routes)
        {
            // An endpoint without method metadata (MapHealthChecks) answers any method: its path must be described.
            var methods = metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [.. operations.Keys.Where(k => k.Path == path).Select(k => k.Method)];
            if (methods.Count == 0)
            {
                missing.Add($"{path} (any method)");
            }

            var needsKey = metadata.GetMetadata<IAuthorizeData>() is not null && metadata.GetMetadata<IAllowAnonymous>() is null;
            foreach (var method in methods)
            {
                if (!operations.TryGetValue((path, method), out var operation))
                {
                    missing.Add($"{method} {path}");
                }
                else if (needsKey != (operation.Security is { Count: 2 }))
                {
                    wrongSecurity.Add($"{method} {path}");
                }
            }
        }

        var stale = operations.Keys.Where(k => !routes.Any(r => r.Path == k.Path)).Select(k => $"{k.Method} {k.Path}").ToList();

        // Assert
        Assert.True(missing.Count == 0, "Routes missing from the document: " + string.Join(", ", missing));
        Assert.True(wrongSecurity.Count == 0, "Operations whose security differs from the endpoint's: " + string.Join(", ", wrongSecurity));
        Assert.True(stale.Count == 0, "Operations of no mapped route: " + string.Join(", ", stale));
        Assert.Contains(operations.Keys, k => k is { Path: "/client-services/{id}/check", Method: "POST" });
        Assert.DoesNotContain(operations.Keys, k => k is { Path: "/service-status/{id}", Method: "DELETE" });
    }

    [Fact]
    public async Task Records_use_the_resource_field_names_and_finds_take_a_filter_per_queryable_field()
    {
        // Arrange
        var document = await ReadDocumentAsync();

        foreach (var (record, resource) in RecordSchemas.Resources)
        {
            // Act
            var schema = (OpenApiSchema)document.Components!.Schemas![record.Name];
            var find = document.Paths["/" + resource.Name].Operations![HttpMethod.Get];
            var parameters = find.Parameters!.Select(p => p.Name).OfType<string>().ToHashSet(StringComparer.Ordinal);

            // Assert: a record shows exactly its resource's fields, plus write-only ones it never returns.
            var shown = schema.Properties!.Where(p => p.Value.WriteOnly != true).Select(p => p.Key).Order(StringComparer.Ordinal);
            Assert.Equal(resource.Fields.Select(f => f.Name).Order(StringComparer.Ordinal), shown);
            Assert.Equal(["id"], schema.Required!);
            Assert.Subset(parameters, new HashSet<string>(["$limit", "$skip", "$sort", "$select[]"]));
            foreach (var field in resource.Fields)
            {
                Assert.Equal(field.Queryable, parameters.Contains(field.Name));
                Assert.Equal(field.Queryable, parameters.Contains($"{field.Name}[$in][]"));
                Assert.Equal(field.Queryable, parameters.Contains($"{field.Name}[$ne]"));
            }
        }
    }

    [Fact]
    public async Task The_reference_page_is_open_html_over_the_document()
    {
        // Act
        using var page = await fixture.Anonymous.GetAsync(ApiDescription.PagePath);
        using var script = await fixture.Anonymous.GetAsync(ApiDescription.PagePath + "/scalar.js");

        // Assert
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("openapi/v1.json", html, StringComparison.Ordinal);
        Assert.Contains("scalar.js", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }

    private async Task<OpenApiDocument> ReadDocumentAsync()
    {
        var (document, _) = OpenApiDocument.Parse(await fixture.Anonymous.GetStringAsync(ApiDescription.DocumentPath), OpenApiConstants.Json);
        return document!;
    }

    private static IEnumerable<(string Path, string Method, OpenApiOperation Operation)> Operations(OpenApiDocument document) =>
        from path in document.Paths
        from operation in path.Value.Operations ?? []
        select (path.Key, operation.Key.Method, operation.Value);

    /// <summary>A route pattern as OpenAPI writes a path: no trailing slash, no constraints or optional marks.</summary>
    private static string Template(string pattern)
    {
        var path = RouteParameter().Replace(pattern, "{$1}");
        return path.Length > 1 ? path.TrimEnd('/') : path;
    }

    private HttpClient Client(string key)
    {
        var http = new HttpClient { BaseAddress = fixture.Anonymous.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    [GeneratedRegex(@"\{\**([^}:?=]+)[^}]*\}")]
    private static partial Regex RouteParameter();
}
