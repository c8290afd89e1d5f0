using Microsoft.Playwright;
using Monitoring.Gateway.Description;
using Monitoring.IntegrationTests.Api;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Browser;

/// <summary>
/// The browser harness on a page that exists without a cluster: the gateway's API reference (<c>/docs</c>), a script
/// that fetches <c>/openapi/v1.json</c> and renders it. With JavaScript on the document's own text appears; with it
/// off only the served shell does.
/// </summary>
public sealed class ApiReferencePageBrowserTests(ClusterlessGatewayFixture gateway, HeadlessChromium chromium)
    : IClassFixture<ClusterlessGatewayFixture>, IClassFixture<HeadlessChromium>
{
    /// <summary>Written only in the document (DocumentOverview), so on the page only once the script rendered it.</summary>
    private const string OverviewText = "An uptime monitor with the REST surface of a FeathersJS service.";

    /// <summary>The first tag's description, also only in the document (the page renders the first section at once).</summary>
    private const string HealthTagText = "The gateway's own health, open.";

    [Fact]
    public async Task With_JavaScript_the_reference_page_fetches_the_document_and_renders_it()
    {
        // Arrange
        await using var tab = await chromium.OpenTabAsync(width: 1280);
        var documentFetched = tab.Page.WaitForResponseAsync(r => r.Url.EndsWith(ApiDescription.DocumentPath, StringComparison.Ordinal), new PageWaitForResponseOptions { Timeout = 30_000 });

        // Act
        await tab.GoToAsync(Url(ApiDescription.PagePath));

        // Assert
        Assert.Equal(200, (await documentFetched).Status);
        Assert.Equal("Monitoring API", await tab.Page.TitleAsync());
        await tab.Page.GetByText(OverviewText).First.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible, Timeout = 30_000 });
        await tab.Page.GetByText(HealthTagText).First.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible, Timeout = 30_000 });
        foreach (var tag in new[] { "clients", "client-services", "service-status", "uptime-stats" })
        {
            // The reference's navigation lists every tag of the document.
            Assert.True(await tab.Page.GetByText(tag, new PageGetByTextOptions { Exact = true }).First.IsVisibleAsync(), $"the tag {tag} is not listed");
        }

        // Its web fonts are fetched from elsewhere: blocked (see BrowserTab), which the page survives.
        Assert.True(tab.PageErrors.Count == 0, "The page's script failed:" + Environment.NewLine + tab.Problems);
    }

    [Fact]
    public async Task With_JavaScript_off_the_reference_page_is_only_its_served_shell()
    {
        // Arrange
        await using var tab = await chromium.OpenTabAsync(width: 1280, javaScript: false);
        var requests = new List<string>();
        tab.Page.Request += (_, request) => requests.Add(request.Url);

        // Act
        await tab.GoToAsync(Url(ApiDescription.PagePath));
        await tab.Page.WaitForTimeoutAsync(1_000);

        // Assert: the served HTML is there (its title), but no script ran: the document was never fetched or shown.
        Assert.Equal("Monitoring API", await tab.Page.TitleAsync());
        Assert.DoesNotContain(requests, url => url.EndsWith(ApiDescription.DocumentPath, StringComparison.Ordinal));
        Assert.Equal(0, await tab.Page.GetByText(OverviewText).CountAsync());
    }

    private string Url(string path) => new Uri(gateway.Anonymous.BaseAddress!, path).ToString();
}
