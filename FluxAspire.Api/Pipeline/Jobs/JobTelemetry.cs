using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>Traces and metrics of job runs. ServiceDefaults exports the source and meter named after the application
/// ("FluxAspire.Api").</summary>
internal static class JobTelemetry
{
    private const string Name = "FluxAspire.Api";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> Ended = Meter.CreateCounter<long>("fluxaspire.jobs.ended", "{job}",
        "Jobs that ended, by outcome (succeeded or the failure kind).");

    /// <summary>Bucket boundaries from sub-second simulator runs to FLUX jobs of minutes (the SDK's defaults are for
    /// milliseconds: a 0.07 s job and a 4 s job both land in the first bucket, so every percentile reads 5 s).</summary>
    public static readonly IReadOnlyList<double> DurationBuckets =
        [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600];

    private static readonly Histogram<double> Duration = Meter.CreateHistogram("fluxaspire.job.duration", "s",
        "Time from the request's arrival to the job's end.", tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });

    public static void RecordEnd(JobFailure? failure, TimeSpan duration)
    {
        var outcome = new KeyValuePair<string, object?>("outcome", failure?.Kind.ToString() ?? "Succeeded");
        Ended.Add(1, outcome);
        Duration.Record(duration.TotalSeconds, outcome);
    }

    /// <summary>A span for a job run on ComfyUI, a child of the HTTP request that submitted it (the worker runs
    /// outside that request).</summary>
    public static Activity? StartRun(JobRequest request)
    {
        var activity = Source.StartActivity("job run", ActivityKind.Internal, request.TraceParent);
        activity?.SetTag("fluxaspire.job.id", request.Id);
        return activity;
    }

    public static void Failed(Activity? activity, JobFailure failure)
    {
        activity?.SetTag("fluxaspire.job.failure", failure.Kind.ToString());
        activity?.SetStatus(ActivityStatusCode.Error, failure.Message);
    }
}
