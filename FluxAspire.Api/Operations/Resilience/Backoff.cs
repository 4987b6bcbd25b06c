using Polly;

namespace FluxAspire.Api.Operations.Resilience;

/// <summary>The exponential backoff every pipeline here shares: first, 2·first, 4·first, … capped at max.</summary>
internal static class Backoff
{
    private static readonly ResiliencePropertyKey<int> RetriesSinceGoodRun = new("FluxAspire.RetriesSinceGoodRun");

    /// <summary><paramref name="first"/>·2^<paramref name="exponent"/>, capped at <paramref name="max"/>.</summary>
    public static TimeSpan Exponential(TimeSpan first, TimeSpan max, int exponent)
    {
        var ticks = first.Ticks * Math.Pow(2, Math.Min(exponent, 62));
        return ticks < max.Ticks ? TimeSpan.FromTicks((long)ticks) : max;
    }

    /// <summary>
    /// The exponent for this retry of a call that runs for as long as the app does (a connection, a child process): 0 after
    /// a good run, one more for each bad run since. The count lives in the call's context.
    /// </summary>
    public static int ExponentStartingOverAfter(bool goodRun, ResilienceContext context)
    {
        var exponent = goodRun ? 0 : context.Properties.GetValue(RetriesSinceGoodRun, 0);
        context.Properties.Set(RetriesSinceGoodRun, exponent + 1);
        return exponent;
    }
}
