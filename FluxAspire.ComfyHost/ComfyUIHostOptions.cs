using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

/// <summary>The AppHost's <c>ComfyUI</c> configuration section.</summary>
public sealed class ComfyUIHostOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "ComfyUI";

    /// <summary>Where ComfyUI comes from (<c>simulator</c> or <c>external</c>).</summary>
    public ComfyUIMode Mode { get; set; } = ComfyUIMode.Simulator;

    /// <summary>The URL of an existing ComfyUI; required in external mode.</summary>
    public Uri? Url { get; set; }

    /// <summary>Simulated milliseconds per sampler step (simulator mode); 0 makes every image as fast as the CPU allows.</summary>
    public int SimulatorStepMs { get; set; }

    /// <summary>Reads the <c>ComfyUI</c> section; an unknown mode or a missing URL fails here, before anything starts.</summary>
    public static ComfyUIHostOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var options = new ComfyUIHostOptions();
        if (section["Mode"] is { Length: > 0 } mode)
        {
            options.Mode = Enum.TryParse<ComfyUIMode>(mode, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
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

        if (options.Mode == ComfyUIMode.External && options.Url is null)
        {
            throw new InvalidOperationException($"{SectionName}:Mode is external, so {SectionName}:Url must name the ComfyUI to use");
        }

        return options;
    }
}
