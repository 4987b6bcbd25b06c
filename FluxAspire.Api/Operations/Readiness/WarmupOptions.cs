using System.ComponentModel.DataAnnotations;

namespace FluxAspire.Api.Operations.Readiness;

/// <summary>The warmup run that loads the model before /ready says yes. Bound from the "Warmup" section.</summary>
public sealed class WarmupOptions
{
    public const string SectionName = "Warmup";

    /// <summary>Off: ready as soon as ComfyUI answers and the WebSocket is up.</summary>
    public bool Enabled { get; set; } = true;

    public string Prompt { get; set; } = "leafy green spaceship descending from orbit into a lush bio-organic cityscape";

    [Range(1, 100)]
    public int Steps { get; set; } = 4;

    [Range(256, 2048)]
    public int Width { get; set; } = 512;

    [Range(256, 2048)]
    public int Height { get; set; } = 512;

    public ulong Seed { get; set; } = 793373912447585;

    public string Checkpoint { get; set; } = "flux1-dev-fp8.safetensors";

    /// <summary>Wait between attempts while ComfyUI is not up yet or the warmup failed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);
}
