using System.Text.Json;
using Microsoft.Playwright;

namespace Monitoring.IntegrationTests.StatusPages;

/// <summary>
/// What a status page shows, read from its DOM through the markup's stable hooks (<c>main#status</c>,
/// <c>section.overall</c>, <c>li.service</c>, <c>ol.days &gt; li.day</c>). Null where a hook is missing.
/// </summary>
public sealed record StatusPageView(
    string? Slug,
    string? Title,
    string? Description,
    string? OverallState,
    string? OverallText,
    IReadOnlyList<StatusPageView.Service> Services)
{
    /// <summary>Each overall state and the heading the contract gives it.</summary>
    public static readonly IReadOnlyDictionary<string, string> OverallTexts = new Dictionary<string, string>
    {
        ["operational"] = "All systems operational",
        ["degraded"] = "Degraded performance",
        ["partial_outage"] = "Partial outage",
        ["major_outage"] = "Major outage",
        ["maintenance"] = "Under maintenance",
    };

    private const string Script = """
        () => {
          const text = e => e ? e.textContent.trim().replace(/\s+/g, ' ') : null;
          const main = document.querySelector('main#status');
          if (!main) return null;
          const overall = main.querySelector('section.overall');
          return {
            slug: main.getAttribute('data-slug'),
            title: text(main.querySelector('h1')),
            description: text(main.querySelector('p.description')),
            overallState: overall ? overall.getAttribute('data-state') : null,
            overallText: text(overall && overall.querySelector('h2')),
            services: [...main.querySelectorAll('li.service')].map(s => ({
              id: s.getAttribute('data-service-id'),
              status: s.getAttribute('data-status'),
              name: text(s.querySelector('h3.service-name')),
              label: text(s.querySelector('.status-label')),
              uptime: text(s.querySelector('.uptime-90d')),
              days: [...s.querySelectorAll('ol.days > li.day')].map(d => [d.getAttribute('data-date'), d.getAttribute('title')]),
            })),
          };
        }
        """;

    /// <summary>Reads the page as it is now; fails when there is no <c>main#status</c>.</summary>
    public static async Task<StatusPageView> ReadAsync(IPage page)
    {
        var read = await page.EvaluateAsync<JsonElement?>(Script);
        if (read is not { ValueKind: JsonValueKind.Object } root)
        {
            var body = await page.ContentAsync();
            throw new Xunit.Sdk.XunitException($"No <main id=\"status\"> on {page.Url}; the page is: {(body.Length > 500 ? body[..500] : body)}");
        }

        return new StatusPageView(
            Text(root, "slug"),
            Text(root, "title"),
            Text(root, "description"),
            Text(root, "overallState"),
            Text(root, "overallText"),
            root.GetProperty("services").EnumerateArray().Select(s => new Service(
                Text(s, "id"),
                Text(s, "status"),
                Text(s, "name"),
                Text(s, "label"),
                Text(s, "uptime"),
                s.GetProperty("days").EnumerateArray().Select(d => new Day(d[0].GetString(), d[1].GetString())).ToList())).ToList());
    }

    public Service Of(long serviceId) =>
        Services.SingleOrDefault(s => s.Id == serviceId.ToString()) ?? throw new Xunit.Sdk.XunitException($"No li.service[data-service-id={serviceId}] on the page (ids: {string.Join(", ", Services.Select(s => s.Id))})");

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>One <c>li.service</c>.</summary>
    public sealed record Service(string? Id, string? Status, string? Name, string? Label, string? Uptime, IReadOnlyList<Day> Days);

    /// <summary>One <c>li.day</c>: its <c>data-date</c> and its <c>title</c> (the tooltip).</summary>
    public sealed record Day(string? Date, string? Title);
}
