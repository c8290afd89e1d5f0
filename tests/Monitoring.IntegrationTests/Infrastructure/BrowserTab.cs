using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace Monitoring.IntegrationTests.Infrastructure;

/// <summary>
/// A page in a browser context of its own (<see cref="HeadlessChromium.OpenTabAsync"/>), with what the page reported
/// going wrong (console errors, uncaught exceptions, failed requests) kept for failure messages.
/// </summary>
public sealed class BrowserTab : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> problems = new();
    private readonly ConcurrentQueue<string> pageErrors = new();
    private readonly ConcurrentQueue<string> blocked = new();

    private BrowserTab(IBrowserContext context, IPage page)
    {
        Context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                problems.Enqueue($"console: {message.Text}");
            }
        };
        page.PageError += (_, error) =>
        {
            pageErrors.Enqueue(error);
            problems.Enqueue($"page error: {error}");
        };
        page.RequestFailed += (_, request) =>
        {
            if (IsLocal(request.Url))
            {
                problems.Enqueue($"request failed: {request.Method} {request.Url}: {request.Failure}");
            }
        };
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    /// <summary>Console errors, uncaught exceptions and failed requests to this machine so far, one a line (empty when none).</summary>
    public string Problems => problems.IsEmpty ? string.Empty : string.Join(Environment.NewLine, problems);

    /// <summary>The page's uncaught script exceptions.</summary>
    public IReadOnlyCollection<string> PageErrors => pageErrors;

    /// <summary>Requests the page made to anywhere but this machine: never sent (the tests reach no network).</summary>
    public IReadOnlyCollection<string> Blocked => blocked;

    /// <summary>Opens a page in <paramref name="context"/>, whose requests off this machine are aborted and recorded.</summary>
    internal static async Task<BrowserTab> OpenAsync(IBrowserContext context)
    {
        var tab = new BrowserTab(context, await context.NewPageAsync());
        await context.RouteAsync(url => !IsLocal(url), async route =>
        {
            tab.blocked.Enqueue($"{route.Request.Method} {route.Request.Url}");
            await route.AbortAsync("blockedbyclient");
        });
        return tab;
    }

    /// <summary>Navigates and requires a 200 (the failure names the status and the start of the body).</summary>
    public async Task<IResponse> GoToAsync(string url)
    {
        var response = await Page.GotoAsync(url, new PageGotoOptions { WaitUntil = WaitUntilState.Load })
            ?? throw new InvalidOperationException($"GET {url}: no response");
        if (response.Status != 200)
        {
            var body = await response.TextAsync();
            throw new Xunit.Sdk.XunitException($"GET {url} answered {response.Status} {response.StatusText}: {(body.Length > 300 ? body[..300] : body)}");
        }

        return response;
    }

    /// <summary>The document's scroll width and the viewport's client width: the page scrolls sideways when the first is larger.</summary>
    public async Task<(int ScrollWidth, int ClientWidth)> DocumentWidthAsync()
    {
        var widths = await Page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
        return (widths[0], widths[1]);
    }

    public async ValueTask DisposeAsync() => await Context.CloseAsync();

    /// <summary>Whether <paramref name="url"/> is on this machine (or not a network address at all: data:, about:).</summary>
    private static bool IsLocal(string url) =>
        !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https" or "ws" or "wss") || uri.IsLoopback;
}
