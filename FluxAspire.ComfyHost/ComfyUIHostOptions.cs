using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

/// <summary>The AppHost's <c>ComfyUI</c> configuration section.</summary>
public sealed class ComfyUIHostOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "ComfyUI";

    /// <summary>The flags the container and executable modes add after the fixed headless ones, unless <c>ComfyUI:Args</c> says otherwise.</summary>
    public const string DefaultArgs = "--disable-api-nodes --preview-method latent2rgb";

    /// <summary>Where ComfyUI comes from; <see cref="ComfyUIMode.Auto"/> by default.</summary>
    public ComfyUIMode Mode { get; set; } = ComfyUIMode.Auto;

    /// <summary>The URL of an existing ComfyUI; required in external mode.</summary>
    public Uri? Url { get; set; }

    /// <summary>The simulator's default step: slow enough that a person in the playground sees the progress and previews
    /// of a 20-step image form over a few seconds, as on a GPU (about 200 ms a FLUX step), without waiting as long.</summary>
    public const int DefaultSimulatorStepMs = 120;

    /// <summary>Simulated milliseconds per sampler step (simulator mode); 0 makes every image as fast as the CPU allows.</summary>
    public int SimulatorStepMs { get; set; } = DefaultSimulatorStepMs;

    /// <summary>ComfyUIs to run in container and executable modes, one per GPU (<c>ComfyUI:Gpus</c>: a count, or <c>all</c>
    /// for every GPU <c>nvidia-smi -L</c> lists); <see langword="null"/> means all. Default 1: one ComfyUI with every GPU.</summary>
    public int? Gpus { get; set; } = 1;

    /// <summary>Simulators to run in simulator mode (<c>ComfyUI:Simulators</c>), each a backend of the API, for tests and benchmarks.</summary>
    public int Simulators { get; set; } = 1;

    /// <summary>
    /// What the simulator's SaveImage writes (its <c>--image-kind</c>): <c>picture</c>, a small labelled image, or
    /// <c>noise</c>, as large and incompressible as a real FLUX.1-dev PNG (about 1.7 MB at 1024²).
    /// </summary>
    public string SimulatorImageKind { get; set; } = "picture";

    /// <summary>The local ComfyUI checkout (the folder with <c>main.py</c>); required in executable mode.</summary>
    public string? Path { get; set; }

    /// <summary>The Python that runs <c>main.py</c> in executable mode (e.g. a venv's <c>bin/python</c>).</summary>
    public string Python { get; set; } = OperatingSystem.IsWindows() ? "python" : "python3";

    /// <summary>ComfyUI flags after the fixed ones (<c>--listen</c>, <c>--port</c>, <c>--disable-auto-launch</c>), split on spaces.</summary>
    public IReadOnlyList<string> Args { get; set; } = Split(DefaultArgs);

    /// <summary>
    /// Container mode, <c>dotnet run</c>: the host folder mounted at ComfyUI's models folder, which the model-download
    /// step fills. Kept between runs, so the 17 GB checkpoint is downloaded once.
    /// </summary>
    public string ModelsPath { get; set; } = DefaultModelsPath;

    /// <summary>Whether the model-download step runs (container and executable modes).</summary>
    public bool DownloadModels { get; set; } = true;

    /// <summary>The files the model-download step provides; the FLUX.1-dev FP8 checkpoint unless <c>ComfyUI:Models</c> lists others.</summary>
    public IReadOnlyList<ModelFile> Models { get; set; } = [ModelFile.FluxDevFp8Checkpoint];

    /// <summary>The default <see cref="ModelsPath"/>: a per-user data folder.</summary>
    public static string DefaultModelsPath { get; } = System.IO.Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify),
        "fluxaspire", "comfyui-models");

    /// <summary>Reads the <c>ComfyUI</c> section; an unknown mode or a missing URL or path fails here, before anything starts.</summary>
    public static ComfyUIHostOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var options = new ComfyUIHostOptions();
        if (section["Mode"] is { Length: > 0 } mode)
        {
            options.Mode = Enum.TryParse<ComfyUIMode>(mode, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !char.IsDigit(mode[0])
                ? parsed
                : throw new InvalidOperationException(
                    $"{SectionName}:Mode '{mode}' is not one of: {string.Join(", ", Enum.GetNames<ComfyUIMode>().Select(n => n.ToLowerInvariant()))}");
        }

        if (section["Url"] is { Length: > 0 } url)
        {
            options.Url = Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                ? uri
                : throw new InvalidOperationException($"{SectionName}:Url '{url}' is not an absolute http(s) URL");
        }

        if (section["SimulatorStepMs"] is { Length: > 0 } stepMs)
        {
            options.SimulatorStepMs = int.TryParse(stepMs, out var ms) && ms >= 0
                ? ms
                : throw new InvalidOperationException($"{SectionName}:SimulatorStepMs '{stepMs}' must be a whole number >= 0");
        }

        if (section["Gpus"] is { Length: > 0 } gpus)
        {
            options.Gpus = gpus.Equals("all", StringComparison.OrdinalIgnoreCase) ? null
                : int.TryParse(gpus, out var count) && count is >= 1 and <= 64 ? count
                : throw new InvalidOperationException($"{SectionName}:Gpus '{gpus}' must be a count from 1 to 64, or all");
        }

        if (section["Simulators"] is { Length: > 0 } simulators)
        {
            options.Simulators = int.TryParse(simulators, out var count) && count is >= 1 and <= 16
                ? count
                : throw new InvalidOperationException($"{SectionName}:Simulators '{simulators}' must be a count from 1 to 16");
        }

        if (section["SimulatorImageKind"] is { Length: > 0 } imageKind)
        {
            options.SimulatorImageKind = imageKind is "picture" or "noise"
                ? imageKind
                : throw new InvalidOperationException($"{SectionName}:SimulatorImageKind '{imageKind}' is not one of: picture, noise");
        }

        if (section["Path"] is { Length: > 0 } path)
        {
            options.Path = System.IO.Path.GetFullPath(path);
        }

        if (section["Python"] is { Length: > 0 } python)
        {
            options.Python = python;
        }

        if (section["Args"] is { } args)
        {
            options.Args = Split(args);
        }

        if (section["ModelsPath"] is { Length: > 0 } modelsPath)
        {
            options.ModelsPath = System.IO.Path.GetFullPath(modelsPath);
        }

        if (section["DownloadModels"] is { Length: > 0 } download)
        {
            options.DownloadModels = bool.TryParse(download, out var yes)
                ? yes
                : throw new InvalidOperationException($"{SectionName}:DownloadModels '{download}' must be true or false");
        }

        if (section.GetSection("Models").GetChildren().ToList() is { Count: > 0 } models)
        {
            options.Models = [.. models.Select(ReadModel)];
        }

        if (options.Mode == ComfyUIMode.External && options.Url is null)
        {
            throw new InvalidOperationException($"{SectionName}:Mode is external, so {SectionName}:Url must name the ComfyUI to use");
        }

        if (options.Mode == ComfyUIMode.Executable)
        {
            if (options.Path is null)
            {
                throw new InvalidOperationException(
                    $"{SectionName}:Mode is executable, so {SectionName}:Path must name a ComfyUI checkout (the folder with main.py)");
            }

            if (!File.Exists(System.IO.Path.Combine(options.Path, "main.py")))
            {
                throw new InvalidOperationException($"{SectionName}:Path '{options.Path}' has no main.py: it is not a ComfyUI checkout");
            }
        }

        return options;
    }

    private static ModelFile ReadModel(IConfigurationSection model)
    {
        var key = $"{SectionName}:Models:{model.Key}";
        if (model["Url"] is not { Length: > 0 } url)
        {
            throw new InvalidOperationException($"{key}:Url is required");
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            throw new InvalidOperationException($"{key}:Url '{url}' is not an absolute http(s) URL");
        }

        long? size = null;
        if (model["Size"] is { Length: > 0 } sizeText)
        {
            size = long.TryParse(sizeText, out var bytes) && bytes >= 0
                ? bytes
                : throw new InvalidOperationException($"{key}:Size '{sizeText}' must be a whole number of bytes");
        }

        // Without a Path, the file goes where CheckpointLoaderSimple looks, under its name in the URL.
        var path = model["Path"] is { Length: > 0 } p ? p : $"checkpoints/{Uri.UnescapeDataString(uri.Segments[^1])}";
        var sha256 = model["Sha256"] is { Length: > 0 } sha ? sha : null;
        return new ModelFile(uri, path, sha256, size).Validate(key);
    }

    private static string[] Split(string args) => args.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
