using Microsoft.Playwright;

namespace FluxAspire.Tests.Infrastructure;

/// <summary>
/// Debian's chromium (/usr/bin/chromium, installed by test.sh) driven by Playwright for .NET, headless. Playwright's own
/// browser download is never used: the tests point it at the system browser.
/// </summary>
public sealed class Chromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;

    private Chromium(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    /// <summary>Where screenshots go: artifacts/playground/ at the repository root (ignored by git), kept after the run.</summary>
    public static string ArtefactsDirectory
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FluxAspire.sln")))
            {
                directory = directory.Parent;
            }

            var path = Path.Combine(directory?.FullName ?? AppContext.BaseDirectory, "artifacts", "playground");
            Directory.CreateDirectory(path);
            return path;
        }
    }

    public static async Task<Chromium> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"{ExecutablePath} is missing; ./test.sh installs Debian's chromium (apt-get install chromium)");
        }

        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            // Root in CI containers: chromium's sandbox needs user namespaces it may not have there.
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
        return new Chromium(playwright, browser);
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
