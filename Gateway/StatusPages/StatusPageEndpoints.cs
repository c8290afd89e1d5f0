using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Monitoring.Gateway.Auth;
using Monitoring.Gateway.Errors;
using Monitoring.Gateway.Json;

namespace Monitoring.Gateway.StatusPages;

/// <summary>
/// <c>GET /status/{slug}</c> (HTML) and <c>/status/{slug}.json</c>: open without a key when the page is public, else
/// to a key that can see its client (header or <c>?access_token=</c>); anyone else gets the 404 of a slug that does not
/// exist. Both come from <see cref="StatusPageCache"/>; the HTML is rendered once per gathering. The page's script and
/// style are served under <c>/status-assets/</c>.
/// </summary>
public static class StatusPageEndpoints
{
    private static readonly string[] Assets = ["status-page.js", "status-page.css", "signalr.min.js"];

    public static IEndpointRouteBuilder MapStatusPageViews(this IEndpointRouteBuilder app)
    {
        app.MapGet("/status/{slug}.json", async (string slug, HttpContext context, StatusPageCache cache) =>
            await VisibleAsync(slug, context, cache) is { } page
                ? Send(context, await page.JsonAsync(body => JsonSerializer.SerializeToUtf8Bytes(body, ApiJson.Context.StatusPageBody)), "application/json; charset=utf-8")
                : ErrorResults.Error(404, "No status page here"))
            .AllowAnonymous().WithTags("status-pages").WithSummary("A status page's data as JSON (open when the page is public)")
            .Produces<StatusPageBody>().Produces<FeathersError>(404);

        app.MapGet("/status/{slug}", async (string slug, HttpContext context, StatusPageCache cache, HtmlRenderer renderer) =>
            {
                if (await VisibleAsync(slug, context, cache) is not { } page)
                {
                    return Results.Content(NotFoundHtml, "text/html; charset=utf-8", Encoding.UTF8, 404);
                }

                return Send(context, await page.HtmlAsync(body => RenderAsync(renderer, body)), "text/html; charset=utf-8");
            })
            .AllowAnonymous().WithTags("status-pages").WithSummary("A status page (HTML; open when the page is public)")
            .Produces(200, contentType: "text/html").Produces(404, contentType: "text/html");

        app.MapGet("/status-assets/{name}", (string name, HttpContext context) =>
            {
                if (!Assets.Contains(name) || typeof(StatusPageEndpoints).Assembly.GetManifestResourceStream($"status-assets/{name}") is not { } stream)
                {
                    return ErrorResults.Error(404, $"No asset '{name}'");
                }

                context.Response.Headers.CacheControl = "public, max-age=3600";
                return Results.Stream(stream, name.EndsWith(".css", StringComparison.Ordinal) ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8");
            })
            .AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// The page when <paramref name="context"/>'s caller may see it, else null (unknown and hidden look the same). Only a
    /// public page fetched without a key may be kept by shared caches; a 404 is never kept (a key may open it).
    /// </summary>
    public static async Task<CachedPage?> VisibleAsync(string slug, HttpContext context, StatusPageCache cache)
    {
        context.Response.Headers.Vary = "Authorization, X-Api-Key";
        var page = await cache.GetAsync(slug);
        var visible = page is not null && MaySee(page, context.User);
        var keyed = context.User.Identity?.IsAuthenticated == true || context.Request.Query.ContainsKey("access_token");
        context.Response.Headers.CacheControl = visible && page!.Public && !keyed ? "public, max-age=5" : "private, no-store";
        return visible ? page : null;
    }

    /// <summary>The bytes made for this gathering, gzip-compressed when the client accepts it.</summary>
    private static IResult Send(HttpContext context, PageBytes bytes, string contentType)
    {
        context.Response.Headers.Append("Vary", "Accept-Encoding");
        if (context.Request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.Headers.ContentEncoding = "gzip";
            return Results.Bytes(bytes.Gzip, contentType);
        }

        return Results.Bytes(bytes.Plain, contentType);
    }

    /// <summary>Public pages to anyone; the others to a key of their client or an unscoped key.</summary>
    public static bool MaySee(CachedPage page, ClaimsPrincipal user) =>
        page.Public || (user.Identity?.IsAuthenticated == true && CallerScope.ClientId(user) is var scope && (scope is null || scope == page.ClientId));

    private static async Task<byte[]> RenderAsync(HtmlRenderer renderer, StatusPageBody body)
    {
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var output = await renderer.RenderComponentAsync<StatusPageDocument>(ParameterView.FromDictionary(new Dictionary<string, object?> { ["Page"] = body }));
            return output.ToHtmlString();
        });
        return Encoding.UTF8.GetBytes(html);
    }

    private const string NotFoundHtml = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>No status page here</title></head>
        <body><main><h1>No status page here</h1><p>There is no status page at this address, or it needs a key.</p></main></body></html>
        """;
}
