using System.Diagnostics;
using System.Diagnostics.Metrics;
using FluxAspire.Api.Operations.Telemetry;

namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>The spans and metrics of a job's life: accepted, waiting in the queue, each attempt's run, its end. A job's
/// spans join the trace of the request that submitted it (<see cref="JobRequest.TraceParent"/>, stored with the job in
/// Redis), whichever replica runs the attempt.</summary>
internal static class JobTelemetry
{
    public static readonly ActivitySource Source = ApiTelemetry.Source;

    private static readonly Meter Meter = ApiTelemetry.Meter;

    public static IReadOnlyList<double> DurationBuckets => ApiTelemetry.SecondsBuckets;

    private static readonly Counter<long> Accepted = Meter.CreateCounter<long>("fluxaspire.jobs.accepted", "{job}",
        "Jobs accepted into the queue (a result-cache hit is accepted and ends at once).");

    private static readonly Counter<long> Started = Meter.CreateCounter<long>("fluxaspire.jobs.started", "{job}",
        "Job attempts started by this replica, by attempt number.");

    private static readonly Counter<long> Takeovers = Meter.CreateCounter<long>("fluxaspire.jobs.takeovers", "{job}",
        "Attempts that took over a job whose earlier attempt's replica was lost (its lease lapsed).");

    private static readonly Counter<long> Ended = Meter.CreateCounter<long>("fluxaspire.jobs.ended", "{job}",
        "Jobs that ended, by outcome (succeeded, failed, canceled) and, for failures, error.type (the failure kind).");

    private static readonly UpDownCounter<long> InFlight = Meter.CreateUpDownCounter<long>("fluxaspire.jobs.in_flight", "{job}",
        "Job attempts this replica runs now (handed to ComfyUI, not yet ended).");

    private static readonly Histogram<double> Duration = Meter.CreateHistogram("fluxaspire.job.duration", "s",
        "Time from the request's arrival to the job's end.", tags: null, advice: ApiTelemetry.Seconds);

    private static readonly Histogram<double> QueueWait = Meter.CreateHistogram("fluxaspire.job.queue_wait", "s",
        "Time from the request's arrival to its first attempt's start.", tags: null, advice: ApiTelemetry.Seconds);

    private static readonly Histogram<double> TimeToFirstStep = Meter.CreateHistogram("fluxaspire.job.time_to_first_step", "s",
        "Time from the request's arrival to ComfyUI's first sampler step (queue, model load, text encoding).", tags: null, advice: ApiTelemetry.Seconds);

    public static void RecordAccepted(JobRequest request) => Accepted.Add(1, new KeyValuePair<string, object?>(ApiTelemetry.Workflow, request.Workflow));

    public static void RecordEnd(JobFailure? failure, TimeSpan duration, string workflow = JobRequest.RawGraph)
    {
        var tags = new TagList { { ApiTelemetry.JobOutcome, Outcome(failure) }, { ApiTelemetry.Workflow, workflow } };
        if (failure is not null)
        {
            tags.Add(ApiTelemetry.ErrorType, failure.Kind.ToString());
        }

        Ended.Add(1, tags);
        Duration.Record(duration.TotalSeconds, tags);
    }

    public static void RecordFirstStep(JobRequest request, DateTimeOffset now) => TimeToFirstStep.Record((now - request.ReceivedAt).TotalSeconds);

    /// <summary>succeeded, canceled (by the caller or POST /interrupt) or failed.</summary>
    public static string Outcome(JobFailure? failure) => failure?.Kind switch
    {
        null => "succeeded",
        JobFailureKind.Cancelled or JobFailureKind.InterruptRequested => "canceled",
        _ => "failed",
    };

    /// <summary>
    /// The span of one attempt ("job run"), a child of the submitting request's span. The first attempt also gets a
    /// "queue wait" span, from the request's arrival until now; a later one (a takeover) names the replica that was lost.
    /// </summary>
    public static Activity? StartRun(JobRequest request, int attempt, string replica, string? previousReplica, DateTimeOffset now)
    {
        ActivityContext.TryParse(request.TraceParent, null, out var parent);
        Started.Add(1, new KeyValuePair<string, object?>(ApiTelemetry.JobAttempt, attempt), new KeyValuePair<string, object?>(ApiTelemetry.Workflow, request.Workflow));
        if (attempt == 1)
        {
            QueueWait.Record((now - request.ReceivedAt).TotalSeconds);
            using var wait = ApiTelemetry.StartPast("queue wait", request.ReceivedAt, parent);
            wait?.SetTag(ApiTelemetry.JobId, request.Id);
            wait?.SetEndTime(now.UtcDateTime);
        }
        else
        {
            Takeovers.Add(1);
        }

        InFlight.Add(1);
        var activity = Source.StartActivity("job run", ActivityKind.Internal, parent);
        activity?.SetTag(ApiTelemetry.JobId, request.Id);
        activity?.SetTag(ApiTelemetry.JobAttempt, attempt);
        activity?.SetTag(ApiTelemetry.Workflow, request.Workflow);
        activity?.SetTag(ApiTelemetry.Replica, replica);
        if (attempt > 1)
        {
            activity?.SetTag(ApiTelemetry.PreviousReplica, previousReplica);
        }

        return activity;
    }

    public static void EndRun(Activity? activity, JobFailure? failure)
    {
        InFlight.Add(-1);
        activity?.SetTag(ApiTelemetry.JobOutcome, Outcome(failure));
        if (failure is not null)
        {
            Failed(activity, failure);
        }
    }

    /// <summary>The attempt was stopped by the shutdown and its job handed back to the queue for another replica.</summary>
    public static void HandedBack(Activity? activity)
    {
        InFlight.Add(-1);
        activity?.SetTag(ApiTelemetry.JobOutcome, "handed_back");
    }

    /// <summary>"output fetch": downloading the job's outputs from ComfyUI (GET /view per file).</summary>
    public static async Task<IReadOnlyList<JobOutputFile>> FetchOutputsAsync(string jobId, Func<Task<IReadOnlyList<JobOutputFile>>> fetch)
    {
        using var activity = Source.StartActivity("output fetch");
        activity?.SetTag(ApiTelemetry.JobId, jobId);
        try
        {
            var files = await fetch();
            activity?.SetTag(ApiTelemetry.OutputCount, files.Count);
            activity?.SetTag(ApiTelemetry.Bytes, files.Sum(f => f.Length));
            return files;
        }
        catch (Exception ex)
        {
            ApiTelemetry.Fail(activity, ex.GetType().Name, ex.Message);
            throw;
        }
    }

    /// <summary>"convert_output": re-encoding the outputs as the request asked (only when it asked).</summary>
    public static IReadOnlyList<JobOutputFile> ConvertOutputs(JobRequest request, IReadOnlyList<JobOutputFile> files,
        Func<JobRequest, IReadOnlyList<JobOutputFile>, IReadOnlyList<JobOutputFile>> convert)
    {
        if (request.Delivery.ConvertOutput is not { } conversion)
        {
            return convert(request, files);
        }

        using var activity = Source.StartActivity("convert_output");
        activity?.SetTag(ApiTelemetry.JobId, request.Id);
        activity?.SetTag(ApiTelemetry.ConvertFormat, conversion.Format);
        var converted = convert(request, files);
        activity?.SetTag(ApiTelemetry.Bytes, converted.Sum(f => f.Length));
        return converted;
    }

    /// <summary>Error status with the failure kind; for a node that failed in ComfyUI, its id, class_type and exception.</summary>
    public static void Failed(Activity? activity, JobFailure failure)
    {
        if (activity is null)
        {
            return;
        }

        var details = failure.Details;
        if (failure.Kind == JobFailureKind.ExecutionFailed && details is not null)
        {
            activity.SetTag(ApiTelemetry.NodeId, Comfy.ComfyValues.AsString(details["node_id"]));
            activity.SetTag(ApiTelemetry.NodeClassType, Comfy.ComfyValues.AsString(details["node_type"]));
            ApiTelemetry.Fail(activity, failure.Kind.ToString(), failure.Message, Comfy.ComfyValues.AsString(details["exception_type"]));
            return;
        }

        ApiTelemetry.Fail(activity, failure.Kind.ToString(), failure.Message);
    }
}
