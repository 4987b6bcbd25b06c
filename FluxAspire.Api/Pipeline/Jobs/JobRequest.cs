using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using FluxAspire.Api.Delivery.Credentials;
using FluxAspire.Api.Pipeline;
using FluxAspire.Api.Pipeline.Inputs;

namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>Everything a worker needs to run a job: the resolved ComfyUI graph (prefixes already rewritten) and timing.</summary>
/// <param name="Id">Our job id, also sent to ComfyUI as prompt_id.</param>
/// <param name="Graph">The API-format graph to queue.</param>
/// <param name="ReceivedAt">When the HTTP request arrived; the deadline and total_time count from here.</param>
/// <param name="PreprocessTime">Time spent validating and building the graph before the job existed.</param>
public sealed record JobRequest(string Id, JsonObject Graph, DateTimeOffset ReceivedAt, TimeSpan PreprocessTime)
{
    /// <summary>W3C trace parent of the submitting request, so the job's span joins its trace.</summary>
    public string? TraceParent { get; init; } = System.Diagnostics.Activity.Current?.Id;

    /// <summary>The <see cref="Workflow"/> of a job that sent a ComfyUI graph itself (POST /prompt).</summary>
    public const string RawGraph = "prompt";

    /// <summary>Which workflow made the graph (its route), or <see cref="RawGraph"/>: a bounded attribute of the job's metrics.</summary>
    public string Workflow { get; init; } = RawGraph;

    /// <summary>How the result is delivered (webhooks, conversion, uploads), parsed once; empty for a plain sync request.</summary>
    public JobDelivery Delivery { get; init; } = JobDelivery.None;

    /// <summary>Inline or downloaded images to upload to ComfyUI when the job starts; the graph already names them.</summary>
    public IReadOnlyList<PendingImageInput> ImageInputs { get; init; } = [];

    /// <summary>Keep the output bytes for <see cref="JobsOptions.Retention"/> (jobs read later through GET /jobs/{id}/outputs),
    /// not just <see cref="JobsOptions.ResultRetention"/> (a waiter collects them at once).</summary>
    public bool RetainOutputs { get; init; }

    /// <summary>Pass ComfyUI's sampler previews on as "preview" events (POST /jobs with "previews": true).</summary>
    public bool Previews { get; init; }

    /// <summary>Run on this replica's ComfyUI, never through the shared queue (warmup loads the model here).</summary>
    public bool RunHere { get; init; }

    /// <summary>Run on this ComfyUI backend only (warmup loads the model on each); null: any backend with a free slot.</summary>
    public string? Backend { get; init; }

    /// <summary>The request body as sent (no credentials), for webhooks sent by whichever replica ends the job.</summary>
    public JsonObject? Echo { get; init; }

    /// <summary>The graph holds a value drawn at random for this request (a workflow seed left out), so its result is
    /// never served from or stored in the result cache.</summary>
    public bool HasRandomDefaults { get; init; }

    /// <summary>The request's credentials, for its upload (s3 keys, a Hub token). Never written to Redis: a job delivered
    /// by whichever replica ends it keeps them in <see cref="HeldCredentials"/> on the accepting replica
    /// (<see cref="CredentialsHeldBy"/>).</summary>
    [JsonIgnore]
    public RequestCredentials UploadCredentials { get; init; } = RequestCredentials.None;

    /// <summary>The replica whose memory holds <see cref="UploadCredentials"/> (no secret, just its name): the job runs
    /// there only, and another replica that takes it over fails it rather than upload with the server's credentials.
    /// Null when the upload needs no request credentials or a waiter on the accepting replica delivers it.</summary>
    public string? CredentialsHeldBy { get; init; }

    /// <summary>Where the result cache keeps this job's result once it succeeds (POST /jobs); null: not stored by the job's end.</summary>
    public string? CacheKey { get; init; }
}
