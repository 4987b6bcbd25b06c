namespace FluxAspire.Api.Operations.Supervisor;

/// <summary>Exponential restart delays: min, 2·min, 4·min, … capped at max; back to min after a stable run.</summary>
internal sealed class RestartBackoff(TimeSpan min, TimeSpan max)
{
    private int _doublings;

    public TimeSpan Next()
    {
        var delay = min * Math.Pow(2, _doublings);
        if (delay < max)
        {
            _doublings++;
            return delay;
        }

        return max;
    }

    public void Reset() => _doublings = 0;
}
