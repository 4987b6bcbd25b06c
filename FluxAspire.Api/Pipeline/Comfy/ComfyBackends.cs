using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Pipeline.Comfy;

/// <summary>
/// Every ComfyUI this API drives: the first (ConnectionStrings:comfyui), whose client, socket and runner are the ones
/// registered in DI, then one per ComfyUI:Backends entry, each with its own client, socket and runner.
/// </summary>
public sealed class ComfyBackends
{
    public ComfyBackends(
        IServiceProvider services, IOptions<ComfyOptions> options, ComfyClient client, ComfyWebSocket socket, ComfyPromptRunner runner,
        IHttpClientFactory httpClientFactory, IConfiguration configuration)
    {
        var settings = options.Value;
        var all = new List<ComfyBackend>
        {
            // The first's folders are ComfyUI:InputDirectory / OutputDirectory, bound for its cleanup as they always were.
            new(new ComfyBackendAddress(ComfyBackendAddress.PrimaryName, settings.BaseUri, null, null), client, socket, runner),
        };
        foreach (var address in ComfyBackendAddress.ReadExtra(configuration))
        {
            var own = Options.Create(settings.ForBackend(address.BaseUri!));
            var backendClient = new ComfyClient(httpClientFactory, address.HttpClientName);
            var backendSocket = ActivatorUtilities.CreateInstance<ComfyWebSocket>(services, own);
            var submitter = ActivatorUtilities.CreateInstance<ComfyPromptSubmitter>(services, backendClient, own);
            all.Add(new ComfyBackend(address, backendClient, backendSocket,
                ActivatorUtilities.CreateInstance<ComfyPromptRunner>(services, backendClient, submitter, backendSocket, own)));
        }

        All = all;
    }

    public IReadOnlyList<ComfyBackend> All { get; }

    /// <summary>The first backend: the one catalog, models and interrupts without a job go to.</summary>
    public ComfyBackend Primary => All[0];
}

/// <summary>Runs the WebSockets of the backends after the first (whose socket is a hosted service of its own).</summary>
internal sealed class ComfyBackendSockets(ComfyBackends backends) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(backends.All.Skip(1).Select(b => b.Socket.StartAsync(cancellationToken)));

    public Task StopAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(backends.All.Skip(1).Select(b => b.Socket.StopAsync(cancellationToken)));
}
