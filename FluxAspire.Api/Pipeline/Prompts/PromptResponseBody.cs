using System.Text.Json.Nodes;
using FluxAspire.Api.Pipeline.Jobs;
using FluxAspire.Api.Pipeline.Outputs;

namespace FluxAspire.Api.Pipeline.Prompts;

/// <summary>
/// The fields of a <see cref="PromptResponse"/> (or, with an input, a WorkflowResponse) for a finished job, in the
/// order System.Text.Json serializes those records, with the images written as base64 straight from the output bytes
/// (<see cref="JsonBodyWriter"/>): the 200 body of /prompt and /workflow/*, and the heart of webhook_v2's prompt.complete.
/// </summary>
/// <param name="ImageUrls">The URLs the outputs were uploaded to (http_upload): they replace the images.</param>
/// <param name="Input">A workflow's input with its defaults filled in; null for /prompt.</param>
public sealed record PromptResponseBody(JobResult Result, IReadOnlyList<string>? ImageUrls = null, JsonObject? Input = null)
{
    public IReadOnlyList<JsonBodyField> Fields()
    {
        var fields = new List<JsonBodyField>(6);
        if (Input is not null)
        {
            // A derived record's own properties come first in System.Text.Json (WorkflowResponse : PromptResponse).
            fields.Add(JsonBodyField.Value("input", Input));
        }

        fields.Add(JsonBodyField.Value("id", Result.Id));
        fields.Add(JsonBodyField.Value("prompt", Result.Graph));
        fields.Add(ImageUrls is { } urls
            ? JsonBodyField.Value("images", urls)
            : new JsonBodyField("images", (writer, token) => writer.WriteBase64ArrayAsync(Result.Files.Select(f => f.Content), token)));
        fields.Add(JsonBodyField.Value("filenames", Result.Files.Select(f => f.Filename).ToList()));
        fields.Add(JsonBodyField.Value("stats", PromptStats.From(Result.Stats)));
        return fields;
    }
}
