using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using FluxAspire.Api.Pipeline.Comfy;

namespace FluxAspire.Api.Pipeline.Inputs;

/// <summary>
/// Which node inputs take an uploaded image: LoadImage.image and LoadImageMask.image always, and any input whose
/// /object_info schema says image_upload (custom loaders). Schemas are read once per class and cached.
/// </summary>
public sealed class ImageInputCatalog(ComfyClient client)
{
    private static readonly IReadOnlyList<string> KnownImageInput = ["image"];

    // A request never waits long on a schema: with ComfyUI slow or down, only the known loaders are handled.
    private static readonly TimeSpan LookupTimeout = TimeSpan.FromSeconds(3);
    private readonly ConcurrentDictionary<string, IReadOnlyList<string>> _byClass = new(StringComparer.Ordinal)
    {
        ["LoadImage"] = KnownImageInput,
        ["LoadImageMask"] = KnownImageInput,
    };

    public async Task<IReadOnlyList<string>> ImageInputsOfAsync(string classType, CancellationToken cancellationToken)
    {
        if (_byClass.TryGetValue(classType, out var known))
        {
            return known;
        }

        JsonObject? info;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(LookupTimeout);
        try
        {
            info = await client.GetObjectInfoAsync(classType, timeout.Token);
        }
        catch (Exception ex) when (ex is ComfyUnavailableException or ComfyProtocolException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return []; // not cached: asked again once ComfyUI answers
        }

        return _byClass[classType] = info is null ? [] : ImageUploadInputs(info);
    }

    /// <summary>Inputs declared with {"image_upload": true} in their options.</summary>
    internal static IReadOnlyList<string> ImageUploadInputs(JsonObject nodeInfo)
    {
        var names = new List<string>();
        foreach (var group in new[] { "required", "optional" })
        {
            foreach (var (name, spec) in nodeInfo["input"]?[group] as JsonObject ?? [])
            {
                if (spec is JsonArray { Count: >= 2 } declared && declared[1] is JsonObject options && ComfyValues.AsBool(options["image_upload"]))
                {
                    names.Add(name);
                }
            }
        }

        return names;
    }
}
