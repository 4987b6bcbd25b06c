using System.Diagnostics;
using System.Globalization;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>The root sampler: drops traces that start with an outgoing call (ActivityKind.Client) outside any request
/// or job, which is what background loops make; records every other root (incoming requests, job runs), or the share
/// <paramref name="ratio"/> of them by trace id.</summary>
public sealed class BackgroundPollingSampler(double ratio = 1.0) : Sampler
{
    private readonly Sampler? _share = ratio >= 1.0 ? null : new TraceIdRatioBasedSampler(Math.Max(0, ratio));

    public double Ratio { get; } = Math.Clamp(ratio, 0, 1);

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        samplingParameters.Kind == ActivityKind.Client ? new(SamplingDecision.Drop)
        : _share?.ShouldSample(samplingParameters) ?? new(SamplingDecision.RecordAndSample);

    /// <summary>
    /// The share of new traces to keep, from the standard variables: OTEL_TRACES_SAMPLER <c>always_off</c> keeps none,
    /// <c>traceidratio</c> / <c>parentbased_traceidratio</c> keep OTEL_TRACES_SAMPLER_ARG (0..1), anything else (and
    /// the default) keeps all. Spans with a parent always follow the parent's decision.
    /// </summary>
    public static double RatioFrom(string? sampler, string? argument) => sampler?.Trim().ToLowerInvariant() switch
    {
        "always_off" or "parentbased_always_off" => 0,
        "traceidratio" or "parentbased_traceidratio" =>
            double.TryParse(argument, NumberStyles.Float, CultureInfo.InvariantCulture, out var share) ? Math.Clamp(share, 0, 1) : 1,
        _ => 1,
    };
}
