using Microsoft.Playwright;

namespace Monitoring.IntegrationTests.Infrastructure;

/// <summary>
/// One headless Chromium shared by a test class or collection (xunit fixture), driven through Playwright. The browser is
/// Debian's (<c>CHROMIUM_PATH</c>, else <c>/usr/bin/chromium</c>, which scripts/test.sh installs): Playwright's own
/// browser downloads are never used. Its driver (node and Playwright's JS) is the one the Microsoft.Playwright package
/// copies beside the test assembly, under <c>.playwright/</c>. When either is missing the fixture throws, so every test
/// using it fails with the reason: the tests never skip.
/// </summary>
public sealed class HeadlessChromium : IAsyncLifetime
{
    public const string ExecutableVariable = "CHROMIUM_PATH";

    public const string DefaultExecutable = "/usr/bin/chromium";

    private IPlaywright? playwright;
    private IBrowser? browser;

    /// <summary>The running browser.</summary>
    public IBrowser Browser => browser ?? throw new InvalidOperationException("Chromium did not start.");

    /// <summary>Where the browser was started from.</summary>
    public string ExecutablePath { get; } = Environment.GetEnvironmentVariable(ExecutableVariable) is { Length: > 0 } path ? path : DefaultExecutable;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"Chromium not found at {ExecutablePath}: the browser tests need Debian's chromium package "
                + $"(apt-get install --no-install-recommends chromium; ./scripts/test.sh installs it when absent), or {ExecutableVariable} naming a Chromium binary.");
        }

        CheckDriver();
        try
        {
            playwright = await Playwright.CreateAsync();
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"Playwright's driver did not start (looked under {DriverRoot}): {ex.Message}", ex);
        }

        try
        {
            browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                // Chromium's sandbox refuses to run as root (CI runs as root); anyone else keeps it.
                Args = Environment.IsPrivilegedProcess ? ["--no-sandbox"] : [],
                Timeout = 60_000,
            });
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"Chromium ({ExecutablePath}) did not start under Playwright: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// A fresh context (no cookies or storage shared with other tests) with one page of the given viewport, with
    /// JavaScript on or off. Dispose it when done.
    /// </summary>
    public async Task<BrowserTab> OpenTabAsync(int width, int height = 800, bool javaScript = true)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            JavaScriptEnabled = javaScript,
            // Screenshots at 1 CSS px = 1 image px, whatever the machine.
            DeviceScaleFactor = 1,
            Locale = "en-US",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(15_000);
        context.SetDefaultNavigationTimeout(30_000);
        return await BrowserTab.OpenAsync(context);
    }

    /// <summary>Opens <paramref name="url"/> in a new tab (<see cref="OpenTabAsync"/>) and checks that it answered 200.</summary>
    public async Task<BrowserTab> OpenAsync(string url, int width, int height = 800, bool javaScript = true)
    {
        var tab = await OpenTabAsync(width, height, javaScript);
        try
        {
            await tab.GoToAsync(url);
            return tab;
        }
        catch
        {
            await tab.DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.CloseAsync();
        }

        playwright?.Dispose();
    }

    /// <summary>Where Playwright looks for its driver: PLAYWRIGHT_DRIVER_SEARCH_PATH, else beside the test assembly.</summary>
    private static string DriverRoot =>
        Path.Combine(Environment.GetEnvironmentVariable("PLAYWRIGHT_DRIVER_SEARCH_PATH") is { Length: > 0 } root ? root : AppContext.BaseDirectory, ".playwright");

    /// <summary>
    /// The driver is node plus Playwright's JS package, copied to the test output by the package's build targets, which
    /// also make node executable. Says plainly what is missing rather than leaving it to Playwright's message.
    /// </summary>
    private static void CheckDriver()
    {
        var cli = Path.Combine(DriverRoot, "package", "cli.js");
        if (!File.Exists(cli))
        {
            throw new InvalidOperationException($"Playwright's driver is missing ({cli} not found): build the test project (dotnet build) so that the Microsoft.Playwright package copies its .playwright folder beside the test assembly.");
        }

        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var nodes = Directory.Exists(Path.Combine(DriverRoot, "node"))
            ? Directory.GetFiles(Path.Combine(DriverRoot, "node"), "node", SearchOption.AllDirectories)
            : [];
        if (nodes.Length == 0)
        {
            throw new InvalidOperationException($"Playwright's driver has no node binary under {Path.Combine(DriverRoot, "node")}: rebuild the test project.");
        }

        foreach (var node in nodes)
        {
            if ((File.GetUnixFileMode(node) & UnixFileMode.UserExecute) == 0)
            {
                throw new InvalidOperationException($"Playwright's node ({node}) is not executable: rebuild the test project (the package's build target runs chmod +x on it) or chmod +x it.");
            }
        }
    }
}
