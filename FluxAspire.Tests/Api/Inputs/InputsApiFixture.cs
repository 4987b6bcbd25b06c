using FluxAspire.Tests.Api.Outbound;
using FluxAspire.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace FluxAspire.Tests.Api.Inputs;

/// <summary>
/// A slow simulator (200 ms per sampler step, so jobs can be interrupted while they run), an API that hands ComfyUI
/// one job at a time (Jobs:Prefetch=1, so a second waits in our queue) and deletes job files from the simulator's
/// folders, and an image server on 127.0.0.1 that only the OutboundUrls:Allow entry makes reachable.
/// </summary>
public sealed class InputsApiFixture : IAsyncLifetime
{
    public LocalReceiver Images { get; private set; } = null!;

    public SimulatorProcess Simulator { get; private set; } = null!;

    public ApiProcess Api { get; private set; } = null!;

    /// <summary>Files the simulator's input and output folders had before any job ran (relative paths).</summary>
    public IReadOnlySet<string> InitialFiles { get; private set; } = new HashSet<string>();

    public static readonly byte[] Png = TestImages.Png(16, 16);

    public async Task InitializeAsync()
    {
        Images = await LocalReceiver.StartAsync();
        Images.Respond = (_, request, context) => Serve(request.Path, context);
        Simulator = await SimulatorProcess.StartAsync("--step-ms", "200");
        InitialFiles = FilesOnComfyDisk();
        Api = await ApiProcess.StartAsync(Simulator.BaseAddress, new Dictionary<string, string>
        {
            ["Jobs__Prefetch"] = "1",
            ["Jobs__Timeout"] = "00:01:00",
            ["ComfyUI__InputDirectory"] = Simulator.InputDirectory,
            ["ComfyUI__OutputDirectory"] = Simulator.OutputDirectory,
            ["OutboundUrls__Allow__0"] = Images.HostPort,
        });
    }

    public HashSet<string> FilesOnComfyDisk() =>
        new[] { Simulator.InputDirectory, Simulator.OutputDirectory }
            .Where(Directory.Exists)
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
            .Select(path => Path.GetRelativePath(Simulator.BaseDirectory, path))
            .ToHashSet();

    private static async Task Serve(string path, HttpContext context)
    {
        switch (path)
        {
            case "/image.png":
                context.Response.ContentType = "image/png";
                await context.Response.Body.WriteAsync(Png);
                break;
            case "/text":
                context.Response.ContentType = "text/plain";
                await context.Response.WriteAsync("not an image");
                break;
            case "/hook":
                context.Response.StatusCode = StatusCodes.Status200OK;
                break;
            case "/redirect-to-loopback":
                context.Response.StatusCode = StatusCodes.Status302Found;
                context.Response.Headers.Location = "http://127.0.0.1:9/image.png";
                break;
            default:
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                break;
        }
    }

    public async Task DisposeAsync()
    {
        if (Api is not null) await Api.DisposeAsync();
        if (Simulator is not null) await Simulator.DisposeAsync();
        if (Images is not null) await Images.DisposeAsync();
    }
}
