using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace FluxAspire.Api.Operations.Telemetry;

/// <summary>
/// The API's one <see cref="ActivitySource"/> and one <see cref="Meter"/>, both named after the application
/// ("FluxAspire.Api"), which ServiceDefaults exports; and the attribute names every span and metric uses (README,
/// "Telemetry"). OpenTelemetry's semantic conventions where one exists (<c>error.type</c>, <c>exception.*</c>,
/// <c>http.response.status_code</c>), <c>fluxaspire.*</c> otherwise.
/// </summary>
public static class ApiTelemetry
{
    public const string Name = "FluxAspire.Api";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Bucket boundaries in seconds, from sub-second simulator runs to FLUX jobs of minutes (the SDK's defaults
    /// are for milliseconds: a 0.07 s job and a 4 s job both land in the first bucket, so every percentile reads 5 s).</summary>
    public static readonly IReadOnlyList<double> SecondsBuckets =
        [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600];

    public static InstrumentAdvice<double> Seconds => new() { HistogramBucketBoundaries = SecondsBuckets };

    public const string JobId = "fluxaspire.job.id";
    public const string JobAttempt = "fluxaspire.job.attempt";
    public const string JobOutcome = "fluxaspire.job.outcome";
    public const string Workflow = "fluxaspire.workflow";
    public const string Replica = "fluxaspire.replica";
    public const string PreviousReplica = "fluxaspire.job.previous_replica";
    public const string Backend = "fluxaspire.comfyui.backend";
    public const string NodeId = "fluxaspire.comfyui.node.id";
    public const string NodeClassType = "fluxaspire.comfyui.node.class_type";
    public const string NodeCached = "fluxaspire.comfyui.node.cached";
    public const string NodeCount = "fluxaspire.comfyui.node.count";
    public const string Step = "fluxaspire.sampler.step";
    public const string MaxSteps = "fluxaspire.sampler.max";
    public const string WebhookKind = "fluxaspire.webhook.kind";
    public const string WebhookAttempt = "fluxaspire.webhook.attempt";
    public const string UploadFile = "fluxaspire.upload.file";
    public const string Bytes = "fluxaspire.bytes";
    public const string OutputCount = "fluxaspire.output.count";
    public const string ConvertFormat = "fluxaspire.convert_output.format";
    public const string ErrorType = "error.type";
    public const string ExceptionType = "exception.type";
    public const string ExceptionMessage = "exception.message";
    public const string HttpStatusCode = "http.response.status_code";

    /// <summary>The attempt number of the job run span that is current (the parent of a ComfyUI span), to repeat on it.</summary>
    public static object? CurrentAttempt => Activity.Current?.GetTagItem(JobAttempt);

    /// <summary>A span of the job's trace that ended earlier than now: the clock's "now" is its end unless given.</summary>
    public static Activity? StartPast(string name, DateTimeOffset start, ActivityContext parent = default) =>
        Source.StartActivity(name, ActivityKind.Internal, parent, startTime: start);

    /// <summary>Error status, <c>error.type</c> and, per the exception conventions, an "exception" event.</summary>
    public static void Fail(Activity? activity, string errorType, string message, string? exceptionType = null)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, message);
        activity.SetTag(ErrorType, errorType);
        activity.AddEvent(new ActivityEvent("exception", tags: new ActivityTagsCollection
        {
            [ExceptionType] = exceptionType ?? errorType,
            [ExceptionMessage] = message,
        }));
    }
}
