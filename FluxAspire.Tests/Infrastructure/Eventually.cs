namespace FluxAspire.Tests.Infrastructure;

/// <summary>
/// The one wait of the tests: polls observable state (an HTTP answer, a log line, a file, a socket's messages) until a
/// condition holds or a deadline passes, so no test sleeps a fixed time before it asserts.
/// </summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>True once <paramref name="condition"/> holds; false when <paramref name="timeout"/> passed first, for the caller to assert with its own message.</summary>
    public static async Task<bool> TryUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, TimeSpan? pollInterval = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(pollInterval ?? DefaultPollInterval);
        }

        return true;
    }

    public static Task<bool> TryUntilAsync(Func<bool> condition, TimeSpan timeout, TimeSpan? pollInterval = null) =>
        TryUntilAsync(() => Task.FromResult(condition()), timeout, pollInterval);

    /// <summary>Waits until <paramref name="condition"/> holds; throws, saying <paramref name="what"/>, once <paramref name="timeout"/> passed.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what, TimeSpan? pollInterval = null)
    {
        if (!await TryUntilAsync(condition, timeout, pollInterval))
        {
            throw new TimeoutException($"timed out after {timeout.TotalSeconds} s waiting for: {what()}");
        }
    }

    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, TimeSpan? pollInterval = null) =>
        UntilAsync(condition, timeout, () => what, pollInterval);

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what, TimeSpan? pollInterval = null) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, () => what, pollInterval);

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> what, TimeSpan? pollInterval = null) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, what, pollInterval);
}
