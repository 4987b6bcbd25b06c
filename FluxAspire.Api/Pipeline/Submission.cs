using System.Text.Json.Nodes;
using FluxAspire.Api.Delivery.Credentials;
using FluxAspire.Api.Pipeline.Caching;
using FluxAspire.Api.Pipeline.Jobs;

namespace FluxAspire.Api.Pipeline;

/// <summary>
/// One request to run a graph, from any of POST /prompt, /workflow/{name} and /jobs, parsed and validated once by
/// <see cref="SubmissionParser"/>. The <see cref="JobRunner"/> turns it into the <see cref="JobRequest"/> the pipeline sees.
/// </summary>
/// <param name="Id">The job id (requested, or a new one); becomes ComfyUI's prompt_id.</param>
/// <param name="Graph">The API-format graph with its filename prefixes already carrying the id; image and model inputs
/// are still as the client gave them (the runner resolves them once).</param>
/// <param name="Delivery">Webhooks, uploads, convert_output, typed.</param>
/// <param name="Credentials">Auth for URL downloads (image inputs, model URLs); never stored or echoed.</param>
/// <param name="Echo">The request body as sent (no credentials): the 202 answer and the webhooks start from it.</param>
/// <param name="ReceivedAt">When the HTTP request arrived; the deadline and total_time count from here.</param>
/// <param name="PreprocessTime">Time spent reading and validating the request.</param>
public sealed record Submission(
    string Id,
    JsonObject Graph,
    JobDelivery Delivery,
    RequestCredentials Credentials,
    JsonObject Echo,
    DateTimeOffset ReceivedAt,
    TimeSpan PreprocessTime)
{
    /// <summary>The caller's Cache-Control (no-cache, no-store).</summary>
    public CacheDirective Cache { get; init; } = new();

    /// <summary>The graph holds a value drawn at random for this request (a workflow seed left out): its result is never
    /// served from or stored in the result cache.</summary>
    public bool HasRandomDefaults { get; init; }

    /// <summary>Whether the result cache is consulted at all. The synchronous endpoints' 202 path (webhooks, async
    /// uploads) never used it, and still does not.</summary>
    public bool UsesResultCache { get; init; } = true;

    /// <summary>Keep the outputs for GET /jobs/{id}/outputs (POST /jobs), not just until a waiter collects them.</summary>
    public bool RetainOutputs { get; init; }

    /// <summary>Pass sampler previews on as events (POST /jobs with "previews": true).</summary>
    public bool Previews { get; init; }

    /// <summary>The validated input with its defaults filled in, for a workflow (the 200 body echoes it).</summary>
    public JsonObject? WorkflowInput { get; init; }

    /// <summary>For a workflow: the request field behind each graph input, to name in a 400 about a resolved input.</summary>
    public IReadOnlyDictionary<string, string>? FieldsOfGraphInputs { get; init; }

    /// <summary>The workflow's route (POST /workflow/{route}, or /jobs with a workflow); "prompt" for a raw graph.</summary>
    public string Workflow { get; init; } = JobRequest.RawGraph;

    /// <summary>The job as the pipeline sees it, before its image and model inputs are resolved.</summary>
    public JobRequest ToJobRequest() => new(Id, Graph, ReceivedAt, PreprocessTime)
    {
        Workflow = Workflow,
        Delivery = Delivery,
        UploadCredentials = Delivery.UsesRequestCredentials ? Credentials : RequestCredentials.None,
        HasRandomDefaults = HasRandomDefaults,
        RetainOutputs = RetainOutputs,
        Previews = Previews,
        // Nobody waits for a job that answers at once: whichever replica ends it delivers it from this echo.
        Echo = Delivery.AnswersAtOnce || RetainOutputs ? Echo : null,
    };
}
