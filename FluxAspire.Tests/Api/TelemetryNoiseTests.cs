using System.Diagnostics;
using System.Diagnostics.Metrics;
using FluxAspire.Api.Pipeline.Jobs;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;

namespace FluxAspire.Tests.Api;

public class TelemetryNoiseTests
{
    private static SamplingDecision Decide(Sampler sampler, ActivityKind kind, ActivityContext parent = default) =>
        sampler.ShouldSample(new SamplingParameters(parent, ActivityTraceId.CreateRandom(), "span", kind)).Decision;

    [Fact]
    public void Background_polling_is_not_traced_but_requests_jobs_and_their_calls_are()
    {
        var sampler = new ParentBasedSampler(new BackgroundPollingSampler());
        var sampledParent = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);

        Assert.Equal(SamplingDecision.Drop, Decide(sampler, ActivityKind.Client)); // XREADGROUP, PING, GET /system_stats
        Assert.Equal(SamplingDecision.RecordAndSample, Decide(sampler, ActivityKind.Server)); // an incoming request
        Assert.Equal(SamplingDecision.RecordAndSample, Decide(sampler, ActivityKind.Internal)); // a job run, a webhook delivery
        Assert.Equal(SamplingDecision.RecordAndSample, Decide(sampler, ActivityKind.Client, sampledParent)); // a call inside a request
    }

    [Fact]
    public void Job_durations_have_buckets_from_sub_second_simulator_runs_to_minutes_long_FLUX_jobs()
    {
        IReadOnlyList<double>? boundaries = null;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument is Histogram<double> { Name: "fluxaspire.job.duration" } histogram) boundaries = histogram.Advice?.HistogramBucketBoundaries;
            },
        };
        listener.Start();
        JobTelemetry.RecordEnd(null, TimeSpan.FromSeconds(0.07)); // publishes the instrument if nothing has yet

        Assert.NotNull(boundaries);
        Assert.Equal(JobTelemetry.DurationBuckets, boundaries);
        Assert.Contains(boundaries, b => b <= 0.1); // a 0.07 s simulator job is not lumped with a 4 s one
        Assert.Contains(boundaries, b => b is > 1 and < 5);
        Assert.True(boundaries![^1] >= 300);
    }
}
