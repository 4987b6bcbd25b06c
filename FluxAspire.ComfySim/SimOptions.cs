using FluxAspire.ComfySim.Images;

namespace FluxAspire.ComfySim;

/// <summary>Command-line options, named after ComfyUI's own flags where ComfyUI has one.</summary>
public sealed class SimOptions
{
    public string Listen { get; set; } = "127.0.0.1";
    public int Port { get; set; } = 8188;
    public string? BaseDirectory { get; set; }
    public string? OutputDirectory { get; set; }
    public string? InputDirectory { get; set; }
    public string? TempDirectory { get; set; }
    public string PreviewMethod { get; set; } = "none";
    public int PreviewSize { get; set; } = 512;
    public int StepMs { get; set; }
    public int LoadMs { get; set; }
    public int MaxUploadSizeMb { get; set; } = 100;
    public bool DisableMetadata { get; set; }
    public ImageKind ImageKind { get; set; } = ImageKind.Picture;
    public IReadOnlyList<string> Argv { get; set; } = [];

    public bool PreviewsEnabled => PreviewMethod is not "none";

    public long MaxUploadSizeBytes => MaxUploadSizeMb * 1024L * 1024L;

    public static SimOptions Parse(string[] args)
    {
        var options = new SimOptions { Argv = ["main.py", .. args] };
        for (var i = 0; i < args.Length; i++)
        {
            var flag = args[i];
            string Value() => i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal)
                ? args[++i]
                : throw new ArgumentException($"{flag} needs a value");
            switch (flag)
            {
                case "--listen":
                    // ComfyUI: the bare flag means all interfaces.
                    options.Listen = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "0.0.0.0";
                    break;
                case "--port": options.Port = int.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture); break;
                case "--base-directory": options.BaseDirectory = Value(); break;
                case "--output-directory": options.OutputDirectory = Value(); break;
                case "--input-directory": options.InputDirectory = Value(); break;
                case "--temp-directory": options.TempDirectory = Value(); break;
                case "--preview-method":
                    options.PreviewMethod = Value() switch
                    {
                        "none" => "none",
                        "auto" or "latent2rgb" or "taesd" => "latent2rgb",
                        var other => throw new ArgumentException($"--preview-method: '{other}' is not one of none, auto, latent2rgb, taesd"),
                    };
                    break;
                case "--preview-size": options.PreviewSize = int.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture); break;
                case "--step-ms": options.StepMs = int.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture); break;
                case "--load-ms": options.LoadMs = int.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture); break;
                case "--max-upload-size": options.MaxUploadSizeMb = int.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture); break;
                case "--disable-metadata": options.DisableMetadata = true; break;
                case "--image-kind":
                    options.ImageKind = Value() switch
                    {
                        "picture" => ImageKind.Picture,
                        "noise" => ImageKind.Noise,
                        var other => throw new ArgumentException($"--image-kind: '{other}' is not one of picture, noise"),
                    };
                    break;
                case "--disable-auto-launch" or "--disable-api-nodes" or "--highvram" or "--gpu-only" or "--cpu":
                    break; // accepted for command-line compatibility with ComfyUI; nothing to do in a simulator
                default:
                    throw new ArgumentException($"unknown option '{flag}'");
            }
        }

        if (options.StepMs < 0 || options.LoadMs < 0)
        {
            throw new ArgumentException("--step-ms and --load-ms must be zero or positive");
        }

        return options;
    }
}
