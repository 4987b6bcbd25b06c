namespace FluxAspire.Api.Workflows;

/// <summary>The text2img field ranges and defaults, exactly as the recipe's text2img.ts. One source for validation,
/// defaults and the OpenAPI schema.</summary>
public static class Text2ImgFields
{
    public const int MinSize = 256;
    public const int MaxSize = 2048;
    public const int DefaultSize = 1024;
    public const ulong MaxSeed = ulong.MaxValue;
    public const int MinSteps = 1;
    public const int MaxSteps = 100;
    public const int DefaultSteps = 20;
    public const double MaxCfgScale = 20;
    public const double DefaultCfgScale = 1;
    public const string DefaultSampler = "euler";
    public const string DefaultScheduler = "simple";
    public const double MaxDenoise = 1;
    public const double DefaultDenoise = 1;
    public const double MaxGuidance = 10;
    public const double DefaultGuidance = 3.5;
    public const string DefaultCheckpoint = "flux1-dev-fp8.safetensors";

    /// <summary>The recipe draws a random seed as floor(rand * 1e15) per request.</summary>
    public static ulong RandomSeed() => (ulong)Random.Shared.NextInt64(0, 1_000_000_000_000_000);

    /// <summary>The input with every missing field set to its default.</summary>
    public static Text2ImgInput WithDefaults(Text2ImgInput input, Func<ulong> randomSeed) => input with
    {
        Width = input.Width ?? DefaultSize,
        Height = input.Height ?? DefaultSize,
        Seed = input.Seed ?? randomSeed(),
        Steps = input.Steps ?? DefaultSteps,
        CfgScale = input.CfgScale ?? DefaultCfgScale,
        SamplerName = input.SamplerName ?? DefaultSampler,
        Scheduler = input.Scheduler ?? DefaultScheduler,
        Denoise = input.Denoise ?? DefaultDenoise,
        Guidance = input.Guidance ?? DefaultGuidance,
        Checkpoint = input.Checkpoint ?? DefaultCheckpoint,
    };
}
