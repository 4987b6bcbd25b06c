using System.Text.Json.Nodes;
using FluxAspire.ComfySim.Execution;
using FluxAspire.ComfySim.Images;
using FluxAspire.ComfySim.Python;

namespace FluxAspire.ComfySim.Nodes;

/// <summary>
/// The outputs of every node class without a behaviour of its own: each output slot gets a value of its declared type.
/// IMAGE, LATENT and MASK get the size ComfyUI would give them (empty-image/latent/mask sizes, scales, crops, pads,
/// rotations, batches); INT/FLOAT/STRING/BOOLEAN a plain value; every other type the matching linked input or a
/// placeholder. So any graph that validates also runs, unless a node needs a value only ComfyUI's frontend makes.
/// </summary>
internal static class SimulatedOutputs
{
    /// <summary>The size of an image, latent or mask that nothing in the graph gives a size to (FLUX's usual size).</summary>
    private const int DefaultSize = 1024;

    /// <summary>Types a constant may stand for. FLOATS too: CreateHookKeyframesFromFloats takes a single number in place of a list.</summary>
    private static readonly HashSet<string> PlainTypes = new(StringComparer.Ordinal) { "INT", "FLOAT", "STRING", "BOOLEAN", "COMBO", "*", "FLOATS" };

    public static NodeResult Produce(NodeContext context)
    {
        RefuseConstantObjects(context);
        var outputs = new List<SimValue?>(context.OutputTypes.Count);
        var ordinals = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var type in context.OutputTypes)
        {
            // The n-th output of a type takes the n-th linked input of that type (InpaintModelConditioning: positive, negative).
            var ordinal = ordinals[type] = ordinals.GetValueOrDefault(type, -1) + 1;
            outputs.Add(Output(context, type, ordinal));
        }

        return new NodeResult(outputs);
    }

    /// <summary>
    /// An input of an object type (LOAD_3D, WEBCAM, AUDIO_RECORD, SVG, …) given as a constant: in ComfyUI such values come
    /// from the frontend's widgets (a 3D render, a recording) or from nodes that are not installed, and the simulator has
    /// nothing to make the node's outputs from. ComfyUI itself fails at run time on most such constants, so this is an
    /// execution_error, as there.
    /// </summary>
    private static void RefuseConstantObjects(NodeContext context)
    {
        foreach (var input in context.Schema?.Inputs ?? [])
        {
            if (input.Type is not JsonValue typeValue || !typeValue.TryGetValue<string>(out var type) ||
                type.Split(',').Any(PlainTypes.Contains) ||
                !context.Inputs.TryGetValue(input.Name, out var value) || value is not JsonNode constant)
            {
                continue;
            }

            throw new SimNodeException("NotImplementedError",
                $"ComfySim cannot run {context.ClassType}: its input '{input.Name}' was given the constant {PythonValues.Repr(constant)}, " +
                $"but a {type} is an object that only ComfyUI's frontend or another node makes, so there is nothing to compute the outputs from");
        }
    }

    private static SimValue? Output(NodeContext context, string type, int ordinal) => type switch
    {
        "IMAGE" => Image(context),
        "LATENT" => Latent(context),
        "MASK" => Mask(context),
        "INT" or "FLOAT" or "STRING" or "BOOLEAN" => Plain(context, type, ordinal),
        "CONDITIONING" when TextOf(context) is { } text => new ConditioningValue(text),
        _ when Linked<SimValue>(context, v => v.Type == type, ordinal) is { } passed => passed,
        "SIGMAS" when context.Int("steps") is { } steps => new SigmasValue((int)steps),
        "NOISE" => new NoiseValue(context.Seed("noise_seed")),
        "GUIDER" => new GuiderValue(
            context.Value<ConditioningValue>("conditioning") ?? context.Value<ConditioningValue>("positive"),
            context.Value<ModelValue>("model")),
        "CONDITIONING" => new ConditioningValue(""),
        _ => new OpaqueValue(type),
    };

    public static string? TextOf(NodeContext context) =>
        context.String("text") ?? context.String("t5xxl") ?? context.String("clip_l") ?? context.String("prompt");

    private static ImageValue Image(NodeContext context)
    {
        var basis = context.ClassType switch
        {
            "EmptyImage" => Blank(context.Int("width"), context.Int("height"), context.Int("batch_size")),
            _ => Linked<ImageValue>(context, _ => true)?.Image
                ?? (Linked<LatentValue>(context, _ => true) is { } latent
                    ? new SimImage(latent.Width, latent.Height, latent.BatchSize, latent.Prompt, latent.Seed, latent.Steps)
                    : null)
                ?? (Linked<MaskValue>(context, _ => true) is { } mask ? Blank(mask.Width, mask.Height, mask.BatchSize) : null)
                ?? Blank(context.Int("width"), context.Int("height"), context.Int("batch_size")),
        };
        var size = Reshape(context, new Size(basis.Width, basis.Height, basis.BatchSize), latentUnits: false);
        return new ImageValue(basis with { Width = size.Width, Height = size.Height, BatchSize = size.Batch });
    }

    private static LatentValue Latent(NodeContext context)
    {
        var basis = (context.Int("width"), context.Int("height")) is ({ } w, { } h) && Linked<LatentValue>(context, _ => true) is null
            // EmptyLatentImage, EmptySD3LatentImage, Empty…LatentVideo: a size of their own
            ? new LatentValue(Pixels(w), Pixels(h), Batch(context.Int("batch_size") ?? context.Int("length")))
            : Linked<LatentValue>(context, _ => true)
                ?? (Linked<ImageValue>(context, _ => true)?.Image is { } image
                    ? new LatentValue(image.Width, image.Height, image.BatchSize, image.Prompt, image.Seed, image.Steps)
                    : null)
                ?? new LatentValue(DefaultSize, DefaultSize, Batch(context.Int("batch_size")));
        var size = Reshape(context, new Size(basis.Width, basis.Height, basis.BatchSize), latentUnits: true);
        return basis with { Width = size.Width, Height = size.Height, BatchSize = size.Batch };
    }

    private static MaskValue Mask(NodeContext context)
    {
        Size basis = context.ClassType == "SolidMask"
            ? new Size(Pixels(context.Int("width")), Pixels(context.Int("height")), 1)
            : Linked<MaskValue>(context, _ => true) is { } mask ? new Size(mask.Width, mask.Height, mask.BatchSize)
            : Linked<ImageValue>(context, _ => true)?.Image is { } image ? new Size(image.Width, image.Height, image.BatchSize)
            : Linked<LatentValue>(context, _ => true) is { } latent ? new Size(latent.Width, latent.Height, latent.BatchSize)
            : new Size(Pixels(context.Int("width")), Pixels(context.Int("height")), Batch(context.Int("batch_size")));
        var size = Reshape(context, basis, latentUnits: false);
        return new MaskValue(size.Width, size.Height, size.Batch);
    }

    /// <summary>How the node changes the size of the image, latent or mask it was given (ComfyUI's arithmetic).</summary>
    private static Size Reshape(NodeContext context, Size s, bool latentUnits)
    {
        int Round(double pixels) => latentUnits ? Math.Max(8, (int)Math.Round(pixels / 8) * 8) : Math.Max(1, (int)Math.Round(pixels));
        int IntOr(string name, int fallback) => context.Int(name) is { } v ? (int)Math.Clamp(v, 0, int.MaxValue) : fallback;

        switch (context.ClassType)
        {
            case "ImageScale" or "LatentUpscale":
            {
                int width = IntOr("width", 0), height = IntOr("height", 0);
                if (width == 0 && height == 0) return s;
                if (width == 0) width = Round((double)s.Width * height / Math.Max(s.Height, 1));
                if (height == 0) height = Round((double)s.Height * width / Math.Max(s.Width, 1));
                return s with { Width = latentUnits ? Round(width) : width, Height = latentUnits ? Round(height) : height };
            }

            case "ImageScaleBy" or "LatentUpscaleBy":
            {
                var scale = context.Number("scale_by") ?? 1;
                return s with { Width = Round(s.Width * scale), Height = Round(s.Height * scale) };
            }

            case "ImageScaleToTotalPixels":
            {
                var total = Math.Floor((context.Number("megapixels") ?? 1) * 1024 * 1024);
                var scale = Math.Sqrt(total / Math.Max((double)s.Width * s.Height, 1));
                return s with { Width = Round(s.Width * scale), Height = Round(s.Height * scale) };
            }

            case "ImageScaleToMaxDimension":
            {
                var largest = IntOr("largest_size", Math.Max(s.Width, s.Height));
                return s.Height > s.Width ? s with { Width = Round((double)s.Width / s.Height * largest), Height = largest }
                    : s.Width > s.Height ? s with { Width = largest, Height = Round((double)s.Height / s.Width * largest) }
                    : s with { Width = largest, Height = largest };
            }

            case "ResizeAndPadImage":
                return s with { Width = IntOr("target_width", s.Width), Height = IntOr("target_height", s.Height) };

            case "ImageCrop" or "LatentCrop" or "CropMask":
            {
                int x = Math.Min(IntOr("x", 0), Math.Max(s.Width - 1, 0)), y = Math.Min(IntOr("y", 0), Math.Max(s.Height - 1, 0));
                var width = Math.Min(x + IntOr("width", s.Width), s.Width) - x;
                var height = Math.Min(y + IntOr("height", s.Height), s.Height) - y;
                return s with { Width = latentUnits ? Round(width) : Math.Max(width, 0), Height = latentUnits ? Round(height) : Math.Max(height, 0) };
            }

            case "ImagePadForOutpaint":
                return s with { Width = s.Width + IntOr("left", 0) + IntOr("right", 0), Height = s.Height + IntOr("top", 0) + IntOr("bottom", 0) };

            case "ImageRotate" or "LatentRotate" when context.String("rotation") is "90 degrees" or "270 degrees":
                return s with { Width = s.Height, Height = s.Width };

            case "ImageBatch" or "LatentBatch":
                return s with { Batch = s.Batch + (Second(context) ?? s).Batch };

            case "RepeatImageBatch" or "RepeatLatentBatch":
                return s with { Batch = s.Batch * Math.Max(IntOr("amount", 1), 1) };

            case "ImageFromBatch" or "LatentFromBatch":
            {
                var index = Math.Min(s.Batch - 1, IntOr("batch_index", 0));
                return s with { Batch = Math.Max(Math.Min(s.Batch - index, IntOr("length", 1)), 1) };
            }

            case "ImageStitch" when Second(context) is { } other:
            {
                var horizontal = context.String("direction") is not ("down" or "up");
                var match = context.Bool("match_image_size") ?? true;
                var spacing = IntOr("spacing_width", 0);
                var batch = Math.Max(s.Batch, other.Batch);
                return horizontal
                    ? new Size(s.Width + spacing + (match ? Round((double)other.Width * s.Height / Math.Max(other.Height, 1)) : other.Width),
                        match ? s.Height : Math.Max(s.Height, other.Height), batch)
                    : new Size(match ? s.Width : Math.Max(s.Width, other.Width),
                        s.Height + spacing + (match ? Round((double)other.Height * s.Width / Math.Max(other.Width, 1)) : other.Height), batch);
            }

            default:
                return s;
        }
    }

    /// <summary>The second linked image or latent (ImageBatch's image2, LatentBatch's samples2, ImageStitch's image2).</summary>
    private static Size? Second(NodeContext context) =>
        Linked<SimValue>(context, v => v is ImageValue or LatentValue, 1) switch
        {
            ImageValue { Image: var i } => new Size(i.Width, i.Height, i.BatchSize),
            LatentValue l => new Size(l.Width, l.Height, l.BatchSize),
            _ => null,
        };

    private static SimValue Plain(NodeContext context, string type, int ordinal)
    {
        JsonValue? value = (context.ClassType, type) switch
        {
            ("GetImageSize", "INT") when Linked<ImageValue>(context, _ => true)?.Image is { } image =>
                JsonValue.Create(ordinal switch { 0 => image.Width, 1 => image.Height, _ => image.BatchSize }),
            ("StringConcatenate", "STRING") =>
                JsonValue.Create($"{context.String("string_a")}{context.String("delimiter")}{context.String("string_b")}"),
            ("StringLength", "INT") => JsonValue.Create((long)(context.String("string")?.Length ?? 0)),
            // PrimitiveInt and its kind, and nodes that pass a value through: the first input of that type.
            _ => (context.Schema?.Inputs ?? [])
                .Where(i => i.Type is JsonValue t && t.TryGetValue<string>(out var declared) && declared == type)
                .Select(i => context.Constant(i.Name) as JsonValue).FirstOrDefault(v => v is not null)?.DeepClone().AsValue(),
        };
        return new PrimitiveValue(type, value ?? type switch
        {
            "INT" => JsonValue.Create(0),
            "FLOAT" => JsonValue.Create(0.0),
            "STRING" => JsonValue.Create(""),
            _ => JsonValue.Create(false),
        });
    }

    /// <summary>The n-th linked input (in schema order) that matches.</summary>
    private static T? Linked<T>(NodeContext context, Func<T, bool> predicate, int ordinal = 0) where T : SimValue
    {
        var matches = context.LinkedInOrder.Select(p => p.Value).OfType<T>().Where(predicate).ToList();
        return matches.Count == 0 ? null : matches[Math.Min(ordinal, matches.Count - 1)];
    }

    private static SimImage Blank(long? width, long? height, long? batch) => new(Pixels(width), Pixels(height), Batch(batch), "", 0, 0);

    private static SimImage Blank(int width, int height, int batch) => new(width, height, batch, "", 0, 0);

    private static int Pixels(long? value) => value is { } v ? (int)Math.Clamp(v, 1, 16384) : DefaultSize;

    private static int Batch(long? value) => value is { } v ? (int)Math.Clamp(v, 1, 4096) : 1;

    private readonly record struct Size(int Width, int Height, int Batch);
}
