using System.Diagnostics;

namespace FluxAspire.Api.Jobs;

/// <summary>Traces of job runs. ServiceDefaults exports the source named after the application ("FluxAspire.Api").</summary>
internal static class JobTelemetry
{
    public static readonly ActivitySource Source = new("FluxAspire.Api");

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
