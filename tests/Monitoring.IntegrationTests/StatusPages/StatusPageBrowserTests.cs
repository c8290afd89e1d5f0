using System.Buffers.Binary;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Monitoring.Gateway.Feed;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.StatusPages;

/// <summary>
/// A public status page (<c>GET /status/{slug}</c>) as a visitor's browser shows it, against the markup's stable hooks:
/// rendered with and without JavaScript, at a phone's width, and updated in place when a check changes a status.
/// Each test makes its own client, services (disabled: only the checks run here make results) and page.
/// </summary>
[Collection(StatusPagesApiCollection.Name)]
public sealed partial class StatusPageBrowserTests(StatusPagesApiFixture fixture, HeadlessChromium chromium)
    : IClassFixture<HeadlessChromium>
{
    private const int Days = 90;

    [Fact]
    public async Task The_page_shows_its_title_the_overall_state_and_each_service_with_90_days_of_uptime() =>
        await AssertRenderedAsync(javaScript: true);

    [Fact]
    public async Task Without_JavaScript_the_server_rendered_page_shows_the_same() =>
        await AssertRenderedAsync(javaScript: false);

    [Fact]
    public async Task At_a_phone_width_the_page_does_not_scroll_sideways_and_the_day_bars_are_visible()
    {
        // Arrange: a long name, the kind that pushes a row wider than a phone.
        var (slug, ids) = await fixture.CreatePageAsync(
            "Acme status on a phone",
            "Every service we run for our customers, checked around the clock from several places.",
            ("Customer notifications (email, SMS and push)", fixture.Target.Reply(200)),
            ("API", fixture.Target.Reply(500)));

        // Act
        await using var tab = await chromium.OpenAsync(fixture.PageUrl(slug), width: 360, height: 740);

        // Assert
        var view = await StatusPageView.ReadAsync(tab.Page);
        Assert.Equal(ids.Select(id => id.ToString()), view.Services.Select(s => s.Id));
        var (scrollWidth, clientWidth) = await tab.DocumentWidthAsync();
        Assert.True(clientWidth is > 300 and <= 360, $"clientWidth {clientWidth} at a 360 px viewport");
        Assert.True(scrollWidth <= clientWidth, $"the page scrolls sideways at 360 px: scrollWidth {scrollWidth} > clientWidth {clientWidth}");
        foreach (var id in ids)
        {
            var days = tab.Page.Locator($"li.service[data-service-id=\"{id}\"] ol.days > li.day");
            Assert.Equal(Days, await days.CountAsync());
            var boxes = await days.EvaluateAllAsync<double[][]>("""
                days => days.map(d => {
                  const r = d.getBoundingClientRect(), style = getComputedStyle(d);
                  const shown = style.display !== 'none' && style.visibility !== 'hidden' && Number(style.opacity) > 0;
                  return [r.left, r.right, r.width, r.height, shown ? 1 : 0];
                })
                """);
            for (var i = 0; i < boxes.Length; i++)
            {
                var (left, right, width, height, shown) = (boxes[i][0], boxes[i][1], boxes[i][2], boxes[i][3], boxes[i][4]);
                Assert.True(shown == 1 && width > 0 && height > 0, $"service {id}, day {i}: not visible ({width} x {height}, shown {shown})");
                Assert.True(left >= 0 && right <= clientWidth + 0.5, $"service {id}, day {i}: outside the viewport ({left} to {right} of {clientWidth})");
            }

            Assert.True(await days.First.IsVisibleAsync(), $"service {id}: the oldest day is not visible");
            Assert.True(await days.Last.IsVisibleAsync(), $"service {id}: today is not visible");
        }
    }

    [Fact]
    public async Task A_status_change_shows_on_the_open_page_within_5_seconds_without_a_reload()
    {
        // Arrange: two services up, the page open with JavaScript, its hub connection awaited when it makes one.
        var (slug, ids) = await fixture.CreatePageAsync(
            "Live",
            null,
            ("Website", fixture.Target.Reply(200)),
            ("API", fixture.Target.Reply(200)));
        var api = ids[1];
        await using var tab = await chromium.OpenTabAsync(width: 1000);
        var hubAnswered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        tab.Page.WebSocket += (_, socket) =>
        {
            if (new Uri(socket.Url).AbsolutePath == "/hub")
            {
                // SignalR's first frame from the server answers the handshake: from then on events reach the page.
                socket.FrameReceived += (_, _) => hubAnswered.TrySetResult();
            }
        };
        await tab.GoToAsync(fixture.PageUrl(slug));
        var before = await StatusPageView.ReadAsync(tab.Page);
        Assert.Equal("operational", before.OverallState);
        Assert.Equal("up", before.Of(api).Status);
        var hubConnected = await Task.WhenAny(hubAnswered.Task, Task.Delay(TimeSpan.FromSeconds(10))) == hubAnswered.Task;
        await tab.Page.EvaluateAsync("() => { window.__marker = 1; }");

        // Act: the API starts answering 500 and is checked.
        await fixture.RetargetAsync(api, fixture.Target.Reply(500));
        Assert.Equal("down", await fixture.CheckAsync(api));

        // Assert: within 5 s, on the same document.
        try
        {
            await tab.Page.WaitForFunctionAsync(
                """
                id => {
                  const s = document.querySelector(`main#status li.service[data-service-id="${id}"]`);
                  const label = s && s.querySelector('.status-label');
                  return !!s && s.getAttribute('data-status') === 'down' && !!label && label.textContent.trim() === 'Down';
                }
                """,
                api.ToString(),
                new PageWaitForFunctionOptions { Timeout = 5_000, PollingInterval = 100 });
        }
        catch (TimeoutException)
        {
            var now = await StatusPageView.ReadAsync(tab.Page);
            throw new Xunit.Sdk.XunitException(
                $"The page did not show the API down within 5 s: it shows data-status={now.Of(api).Status}, label '{now.Of(api).Label}', overall {now.OverallState}. "
                + $"Hub connection seen: {hubConnected}." + (tab.Problems.Length == 0 ? string.Empty : " The page reported:" + Environment.NewLine + tab.Problems));
        }

        Assert.Equal(1, await tab.Page.EvaluateAsync<int?>("() => window.__marker ?? null"));
        Assert.True(tab.PageErrors.Count == 0, "The page's script failed:" + Environment.NewLine + tab.Problems);
        var after = await StatusPageView.ReadAsync(tab.Page);
        Assert.Equal("up", after.Of(ids[0]).Status);
        Assert.NotEqual("operational", after.OverallState);
        Assert.Equal(StatusPageView.OverallTexts[after.OverallState!], after.OverallText);
    }

    [Fact]
    public async Task After_the_page_itself_is_edited_a_status_change_still_shows_within_5_seconds()
    {
        // Arrange: the page open and connected; then the page is edited, which closes its keyless connection.
        var (slug, ids) = await fixture.CreatePageAsync("Edited", null, ("Website", fixture.Target.Reply(200)), ("API", fixture.Target.Reply(200)));
        var api = ids[1];
        await using var tab = await chromium.OpenTabAsync(width: 1000);
        var connections = 0;
        tab.Page.WebSocket += (_, socket) =>
        {
            if (new Uri(socket.Url).AbsolutePath == "/hub")
            {
                Interlocked.Increment(ref connections);
            }
        };
        await tab.GoToAsync(fixture.PageUrl(slug));
        var (found, pages) = await fixture.Http.GetJsonAsync($"/status-pages?slug={slug}");
        Assert.Equal(System.Net.HttpStatusCode.OK, found);
        var pageId = pages.GetProperty("data")[0].GetProperty("id").GetInt64();
        // The gateway must list the connection before the edit, or it would be admitted against the edited page.
        var feed = fixture.Fleet.Gateways[0].Services.GetRequiredService<FeedConnections>();
        await Eventually.IsTrueAsync(() => Task.FromResult(feed.Following(pageId) == 1), TimeSpan.FromSeconds(10), "the page's hub connection");
        Assert.Equal(System.Net.HttpStatusCode.OK, (await fixture.Http.PatchJsonAsync($"/status-pages/{pageId}", new { title = "Edited again" })).Status);

        // Act: a second later, the API goes down.
        await Task.Delay(TimeSpan.FromSeconds(1));
        await fixture.RetargetAsync(api, fixture.Target.Reply(500));
        Assert.Equal("down", await fixture.CheckAsync(api));

        // Assert: the open document shows it within 5 s, with the new title.
        await tab.Page.WaitForFunctionAsync(
            """
            id => {
              const s = document.querySelector(`main#status li.service[data-service-id="${id}"]`);
              return !!s && s.getAttribute('data-status') === 'down' && document.querySelector('main#status h1').textContent.trim() === 'Edited again';
            }
            """,
            api.ToString(CultureInfo.InvariantCulture),
            new PageWaitForFunctionOptions { Timeout = 5_000, PollingInterval = 100 });
        Assert.True(Volatile.Read(ref connections) >= 2, "the page did not connect again after its page changed");
        Assert.True(tab.PageErrors.Count == 0, "The page's script failed:" + Environment.NewLine + tab.Problems);
    }

    /// <summary>
    /// The picture of a status page in docs/images/status-page.png: a few services, most up, one degraded and one
    /// down, at 1000 px wide. Taken on every run; written to docs/ only when it is missing there or
    /// UPDATE_DOCS_SCREENSHOT=1 (it is committed once), else beside the test assembly.
    /// </summary>
    [Fact]
    public async Task A_screenshot_of_a_realistic_page_is_written_to_the_docs()
    {
        // Arrange
        var target = fixture.Target;
        var (slug, ids) = await fixture.CreatePageAsync(
            "Acme Cloud status",
            "Live status of the services Acme runs for its customers. This page updates by itself as checks run.",
            ("Website", target.Reply(200)),
            ("REST API", target.Reply(200, "{\"status\":\"ok\"}")),
            ("Dashboard", target.Reply(200)),
            ("Search", target.Reply(200, "{\"status\":\"degraded\"}")),
            ("Email notifications", target.Reply(200)));
        var email = ids[4];
        await fixture.RetargetAsync(email, target.Reply(503));
        Assert.Equal("down", await fixture.CheckAsync(email));
        Assert.Equal("up", await fixture.CheckAsync(ids[1]));
        var docs = Path.Combine(RepositoryPaths.Root, "docs", "images", "status-page.png");
        var path = !File.Exists(docs) || Environment.GetEnvironmentVariable("UPDATE_DOCS_SCREENSHOT") == "1"
            ? docs
            : Path.Combine(AppContext.BaseDirectory, "status-page.png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);

        // Act: the page must show what the picture is meant to show before it is taken.
        await using var tab = await chromium.OpenAsync(fixture.PageUrl(slug), width: 1000, height: 900);
        var view = await StatusPageView.ReadAsync(tab.Page);
        Assert.Equal("Acme Cloud status", view.Title);
        Assert.Equal(new[] { "up", "up", "up", "degraded", "down" }, view.Services.Select(s => s.Status));
        Assert.Equal("Degraded", view.Of(ids[3]).Label);
        Assert.Equal("Down", view.Of(email).Label);
        await tab.Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true, Animations = ScreenshotAnimations.Disabled });

        // Assert: a PNG 1000 px wide.
        var png = await File.ReadAllBytesAsync(path);
        Assert.True(png.Length > 24 && png.AsSpan(1, 3).SequenceEqual("PNG"u8), $"{path} is not a PNG");
        Assert.Equal(1000, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)));
    }

    /// <summary>
    /// Two services up and one down (one check each): the page shows its title and description, an overall state with
    /// its heading, and each service in order with its name, status, label, 90-day uptime and 90 day bars, oldest first
    /// and today last, each with its uptime as its tooltip (before the services existed: no data).
    /// </summary>
    private async Task AssertRenderedAsync(bool javaScript)
    {
        // Arrange
        var target = fixture.Target;
        var (slug, ids) = await fixture.CreatePageAsync(
            "Acme services",
            "What Acme runs, as our monitors see it.",
            ("Website", target.Reply(200)),
            ("API", target.Reply(200)),
            ("Payments", target.Reply(500)));

        // Act
        await using var tab = await chromium.OpenAsync(fixture.PageUrl(slug), width: 1000, javaScript: javaScript);
        var view = await StatusPageView.ReadAsync(tab.Page);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);

        // Assert
        Assert.Equal(slug, view.Slug);
        Assert.Equal("Acme services", view.Title);
        Assert.Equal("What Acme runs, as our monitors see it.", view.Description);
        Assert.Contains(view.OverallState, new[] { "partial_outage", "major_outage" });
        Assert.Equal(StatusPageView.OverallTexts[view.OverallState!], view.OverallText);
        Assert.Equal(ids.Select(id => id.ToString()), view.Services.Select(s => s.Id));
        AssertService(view.Of(ids[0]), "Website", "up", "Up", "100.00 %", today);
        AssertService(view.Of(ids[1]), "API", "up", "Up", "100.00 %", today);
        AssertService(view.Of(ids[2]), "Payments", "down", "Down", "0.00 %", today);
        Assert.True(tab.PageErrors.Count == 0, "The page's script failed:" + Environment.NewLine + tab.Problems);
    }

    private static void AssertService(StatusPageView.Service service, string name, string status, string label, string uptime, DateOnly today)
    {
        Assert.Equal(name, service.Name);
        Assert.Equal(status, service.Status);
        Assert.Equal(label, service.Label);
        Assert.Equal(uptime, service.Uptime);
        Assert.Equal(Days, service.Days.Count);
        for (var i = 0; i < Days; i++)
        {
            var date = today.AddDays(i - (Days - 1)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var day = service.Days[i];
            Assert.True(date == day.Date, $"{name}: day {i} is {day.Date}, expected {date} (oldest first, today last)");
            Assert.Matches(DayTitle(), day.Title ?? string.Empty);
            Assert.Equal(i == Days - 1 ? $"{date}: {uptime}" : $"{date}: no data", day.Title);
        }
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}: (\d{1,3}\.\d{2} %|no data)$")]
    private static partial Regex DayTitle();
}
