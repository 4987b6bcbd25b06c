using System.Text.Json;
using System.Text.Json.Nodes;
using FluxAspire.Api.Delivery.Credentials;
using FluxAspire.Api.Pipeline.Jobs;
using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Pipeline.Inputs;

/// <summary>
/// Prepares a job's image inputs when it is submitted, for every endpoint: each inline or URL image becomes a
/// <see cref="PendingImageInput"/> named "&lt;id&gt;_&lt;n&gt;.&lt;ext&gt;", and the graph already names that file (so a huge
/// base64 string is not kept in the job or echoed back). Refused inputs throw <see cref="ImageInputException"/> (400).
/// The bytes go to ComfyUI only when the job starts (<see cref="ImageInputUploader"/>).
/// </summary>
public sealed class ImageInputs(ImageInputCatalog catalog, ImageUrlFetcher fetcher, IOptions<ImageInputOptions> options)
{
    public async Task<JobRequest> PrepareAsync(JobRequest request, RequestCredentials credentials, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var pending = new List<PendingImageInput>();
        var images = 0;
        JsonObject? graph = null;
        foreach (var (nodeId, node) in request.Graph)
        {
            if (node is not JsonObject { } n || n["inputs"] is not JsonObject inputs || n["class_type"] is not JsonValue classValue
                || classValue.GetValueKind() != JsonValueKind.String)
            {
                continue;
            }

            foreach (var inputName in await catalog.ImageInputsOfAsync(classValue.GetValue<string>(), cancellationToken))
            {
                if (inputs[inputName] is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
                {
                    continue; // a link to another node's output, or absent
                }

                var key = $"prompt.{nodeId}.inputs.{inputName}";
                var parsed = ImageInputParser.Classify(value.GetValue<string>(), options.Value.MaxBytes);
                // Counted before any download, so a request cannot make the API fetch more than the limit.
                if (parsed is ImageInputValue.Url or ImageInputValue.Inline && ++images > options.Value.MaxCount)
                {
                    errors[key] = [$"node {nodeId} ({classValue.GetValue<string>()}) input '{inputName}': more than {options.Value.MaxCount} image inputs in one request (ImageInputs:MaxCount)"];
                    continue;
                }

                if (parsed is ImageInputValue.Url url)
                {
                    parsed = await fetcher.FetchAsync(url.Address, credentials.For(url.Address), cancellationToken);
                }

                switch (parsed)
                {
                    case ImageInputValue.Refused refused:
                        errors[key] = [$"node {nodeId} ({classValue.GetValue<string>()}) input '{inputName}': {refused.Reason}"];
                        break;
                    case ImageInputValue.Inline inline:
                        var fileName = $"{request.Id}_{pending.Count + 1}.{inline.Format.Extension}";
                        pending.Add(new PendingImageInput(nodeId, inputName, fileName, inline.Content, inline.Format.MediaType));
                        graph ??= request.Graph.DeepClone().AsObject();
                        graph[nodeId]!["inputs"]![inputName] = fileName;
                        break;
                }
            }
        }

        if (errors.Count > 0)
        {
            throw new ImageInputException(errors);
        }

        return graph is null ? request : request with { Graph = graph, ImageInputs = pending };
    }
}
