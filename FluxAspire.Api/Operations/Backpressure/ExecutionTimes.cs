using FluxAspire.Api.Pipeline.Comfy;

namespace FluxAspire.Api.Operations.Backpressure;

/// <summary>How long ComfyUI takes per prompt lately (an exponential moving average of execution_start →
/// execution_success from history), to tell refused callers when to come back.</summary>
public sealed class ExecutionTimes
{
    // Weight of the newest sample: recent prompts dominate, one odd prompt does not.
    private const double Weight = 0.3;
    private readonly Lock _lock = new();
    private double? _averageSeconds;

    public TimeSpan? Average
    {
        get { lock (_lock) { return _averageSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null; } }
    }

    public void Record(ComfyHistoryEntry history)
    {
        if (ComfyValues.AsInt64(history.Message("execution_start")?["timestamp"]) is not { } start ||
            ComfyValues.AsInt64(history.Message("execution_success")?["timestamp"]) is not { } end || end < start)
        {
            return;
        }

        Record(TimeSpan.FromMilliseconds(end - start));
    }

    public void Record(TimeSpan duration)
    {
        lock (_lock)
        {
            var seconds = duration.TotalSeconds;
            _averageSeconds = _averageSeconds is { } average ? average + Weight * (seconds - average) : seconds;
        }
    }
}
