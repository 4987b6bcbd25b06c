using FluxAspire.Api.Comfy;

namespace FluxAspire.Api.Workflows;

/// <summary>Checks a text2img input and names every bad field by its path ("input.width").</summary>
public static class Text2ImgValidator
{
    /// <param name="catalog">ComfyUI's samplers, schedulers and checkpoints; null skips those checks (ComfyUI's own
    /// validation still catches them).</param>
    public static Dictionary<string, string[]> Validate(Text2ImgInput? input, ComfyCatalog.Snapshot? catalog)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (input is null)
        {
            errors["input"] = ["is required"];
            return errors;
        }

        void Add(string field, string message) => errors[$"input.{field}"] = [message];

        if (string.IsNullOrWhiteSpace(input.Prompt))
        {
            Add("prompt", "is required");
        }

        if (input.Width is < Text2ImgFields.MinSize or > Text2ImgFields.MaxSize)
        {
            Add("width", $"must be between {Text2ImgFields.MinSize} and {Text2ImgFields.MaxSize}");
        }

        if (input.Height is < Text2ImgFields.MinSize or > Text2ImgFields.MaxSize)
        {
            Add("height", $"must be between {Text2ImgFields.MinSize} and {Text2ImgFields.MaxSize}");
        }

        if (input.Steps is < Text2ImgFields.MinSteps or > Text2ImgFields.MaxSteps)
        {
            Add("steps", $"must be between {Text2ImgFields.MinSteps} and {Text2ImgFields.MaxSteps}");
        }

        CheckRange("cfg_scale", input.CfgScale, Text2ImgFields.MaxCfgScale);
        CheckRange("denoise", input.Denoise, Text2ImgFields.MaxDenoise);
        CheckRange("guidance", input.Guidance, Text2ImgFields.MaxGuidance);

        if (catalog is not null)
        {
            CheckChoice("sampler_name", input.SamplerName, catalog.Samplers);
            CheckChoice("scheduler", input.Scheduler, catalog.Schedulers);
            CheckChoice("checkpoint", input.Checkpoint, catalog.Checkpoints);
        }

        return errors;

        void CheckRange(string field, double? value, double max)
        {
            if (value is { } v && (double.IsNaN(v) || v < 0 || v > max))
            {
                Add(field, $"must be between 0 and {max.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
            }
        }

        void CheckChoice(string field, string? value, IReadOnlyList<string> choices)
        {
            if (value is not null && choices.Count > 0 && !choices.Contains(value, StringComparer.Ordinal))
            {
                Add(field, $"must be one of {string.Join(", ", choices)}");
            }
        }
    }

    public static bool IsChoiceField(string field) => field is "input.sampler_name" or "input.scheduler" or "input.checkpoint";

    /// <summary>The message for a field whose JSON value could not even be read as its type (e.g. "abc" for width).</summary>
    public static string? TypeErrorMessage(string field) => field switch
    {
        "input.prompt" or "input.sampler_name" or "input.scheduler" or "input.checkpoint" => "must be a string",
        "input.width" or "input.height" => $"must be an integer between {Text2ImgFields.MinSize} and {Text2ImgFields.MaxSize}",
        "input.steps" => $"must be an integer between {Text2ImgFields.MinSteps} and {Text2ImgFields.MaxSteps}",
        "input.seed" => $"must be an integer between 0 and {Text2ImgFields.MaxSeed}",
        "input.cfg_scale" => $"must be a number between 0 and {Text2ImgFields.MaxCfgScale}",
        "input.denoise" => $"must be a number between 0 and {Text2ImgFields.MaxDenoise}",
        "input.guidance" => $"must be a number between 0 and {Text2ImgFields.MaxGuidance}",
        "input" => "must be an object",
        _ => null,
    };
}
