using Microsoft.Playwright;

namespace FluxAspire.Tests.Playground;

/// <summary>
/// The API and a simulator as real processes (60 ms per sampler step, latent2rgb previews), and Debian's chromium through
/// Playwright; optionally with an API key (Api:Key). Shared by the tests of one class.
/// </summary>
public class PlaygroundEnvironment : IAsyncLifetime
{
    private readonly Dictionary<string, string> _apiEnvironment;

    public PlaygroundEnvironment() : this([]) { }

    protected PlaygroundEnvironment(Dictionary<string, string> apiEnvironment) => _apiEnvironment = apiEnvironment;

    public SimulatorProcess Simulator { get; private set; } = null!;

    public ApiProcess Api { get; private set; } = null!;

    public Chromium Chromium { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Simulator = await SimulatorProcess.StartAsync("--step-ms", "60", "--preview-method", "latent2rgb", "--preview-size", "256");
        Api = await ApiProcess.StartAsync(Simulator.BaseAddress, _apiEnvironment);
        Chromium = await Chromium.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        if (Chromium is not null) await Chromium.DisposeAsync();
        if (Api is not null) await Api.DisposeAsync();
        if (Simulator is not null) await Simulator.DisposeAsync();
    }

    /// <summary>A fresh browser context (no stored key) with a page on the playground, its console errors collected.</summary>
    public async Task<PlaygroundPage> OpenAsync(int width = 1280, int height = 900, string path = "/")
    {
        var context = await Chromium.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            BaseURL = Api.BaseAddress.ToString(),
        });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        var opened = new PlaygroundPage(context, page);
        await page.GotoAsync(path);
        return opened;
    }
}

/// <summary>The same, with Api:Key set: the page must ask for it.</summary>
public sealed class KeyedPlaygroundEnvironment() : PlaygroundEnvironment(new() { ["Api__Key"] = KeyedPlaygroundEnvironment.Key })
{
    public const string Key = "playground-test-key-4f1c";
}

/// <summary>A page of the playground and what its console said.</summary>
public sealed class PlaygroundPage : IAsyncDisposable
{
    private readonly List<string> _errors = [];

    public PlaygroundPage(IBrowserContext context, IPage page)
    {
        Context = context;
        Page = page;
        page.Console += (_, message) => { if (message.Type == "error") lock (_errors) _errors.Add(message.Text); };
        page.PageError += (_, error) => { lock (_errors) _errors.Add(error); };
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    public IReadOnlyList<string> ConsoleErrors
    {
        get { lock (_errors) return [.. _errors]; }
    }

    /// <summary>Waits until the page has read the workflows and the gallery (body[data-ready]).</summary>
    public Task ReadyAsync() => Page.Locator("body[data-ready=true]").WaitForAsync();

    public async Task ScreenshotAsync(string name, bool fullPage = true) =>
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Chromium.ArtefactsDirectory, name + ".png"), FullPage = fullPage });

    public async ValueTask DisposeAsync() => await Context.DisposeAsync();
}
