using System.Diagnostics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>The root sampler: drops traces that start with an outgoing call (ActivityKind.Client) outside any request
/// or job, which is what background loops make; records every other root (incoming requests, job runs).</summary>
public sealed class BackgroundPollingSampler : Sampler
{
    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        new(samplingParameters.Kind == ActivityKind.Client ? SamplingDecision.Drop : SamplingDecision.RecordAndSample);
}
