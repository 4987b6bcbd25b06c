using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluxAspire.Api.Pipeline.Comfy;
using FluxAspire.Api.Pipeline.Jobs;

namespace FluxAspire.Api.Pipeline.Inputs;

/// <summary>POST /upload/image for each of a job's pending images, just before the job is queued on ComfyUI.</summary>
public sealed class ImageInputUploader(ComfyClient client)
{
    /// <summary>The graph to run: the request's own, or a copy naming the files as ComfyUI stored them.</summary>
    public async Task<JsonObject> UploadAsync(JobRequest request, CancellationToken cancellationToken)
    {
        var graph = request.Graph;
        foreach (var input in request.ImageInputs)
        {
            var stored = await UploadOneAsync(input, cancellationToken);
            if (stored != input.FileName)
            {
                graph = ReferenceEquals(graph, request.Graph) ? graph.DeepClone().AsObject() : graph;
                graph[input.NodeId]!["inputs"]![input.InputName] = stored;
            }
        }

        return graph;
    }

    private async Task<string> UploadOneAsync(PendingImageInput input, CancellationToken cancellationToken)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(input.Content);
        file.Headers.ContentType = new MediaTypeHeaderValue(input.MediaType);
        form.Add(file, "image", input.FileName);
        form.Add(new StringContent("input"), "type");
        // The name is unique to this job; overwrite keeps it exactly, so cleanup knows what to delete.
        form.Add(new StringContent("true"), "overwrite");
        HttpResponseMessage response;
        try
        {
            response = await client.Http.PostAsync("upload/image", form, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new ComfyUnavailableException($"ComfyUI is not reachable ({ex.HttpRequestError})", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ComfyUnavailableException("ComfyUI did not answer in time", ex);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new ComfyProtocolException($"POST /upload/image {input.FileName} answered {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            JsonNode? body;
            try
            {
                body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            }
            catch (JsonException ex)
            {
                throw new ComfyProtocolException("POST /upload/image: the body is not JSON", ex);
            }

            var name = ComfyValues.AsString(body?["name"]) ?? throw new ComfyProtocolException("POST /upload/image: no name in the answer");
            var subfolder = ComfyValues.AsString(body?["subfolder"]);
            return string.IsNullOrEmpty(subfolder) ? name : $"{subfolder}/{name}";
        }
    }
}
