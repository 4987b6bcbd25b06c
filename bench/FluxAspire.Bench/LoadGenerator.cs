using System.Collections.Concurrent;
using System.Diagnostics;

namespace FluxAspire.Bench;

/// <summary>What one level of load measured.</summary>
/// <param name="LatenciesMs">The measured requests that succeeded, sorted.</param>
/// <param name="CompletedInWindow">Requests of any phase that succeeded inside the window: the throughput's numerator.</param>
/// <param name="Window">From the first measured request's start to the last one's end.</param>
/// <param name="Failures">Failed requests of every phase (warmup and filler included), by message.</param>
/// <param name="Bytes">PNG bytes received inside the window.</param>
internal sealed record LoadResult(double[] LatenciesMs, int CompletedInWindow, TimeSpan Window, IReadOnlyDictionary<string, int> Failures, long Bytes)
{
    public int Errors => Failures.Values.Sum();

    public double Throughput => Window > TimeSpan.Zero ? CompletedInWindow / Window.TotalSeconds : double.NaN;

    /// <summary>Nearest-rank percentile (p in 0..1) of the successful measured requests.</summary>
    public double Percentile(double p) =>
        LatenciesMs.Length == 0 ? double.NaN : LatenciesMs[Math.Clamp((int)Math.Ceiling(p * LatenciesMs.Length) - 1, 0, LatenciesMs.Length - 1)];
}

/// <summary>
/// The one load generator: <c>concurrency</c> closed-loop clients send <c>warmup</c> requests, then <c>measured</c>
/// ones, and keep sending (uncounted) until the last measured one has answered, so the load stays at the level for the
/// whole window. The window opens when the first measured request is sent and closes when the last one answers; the
/// callbacks sample the processes' counters at both ends. Past <c>timeout</c> the run stops and the measured requests
/// still open count as failures: nothing hangs the benchmark.
/// </summary>
internal static class LoadGenerator
{
    public static async Task<LoadResult> RunAsync(
        Func<CancellationToken, Task<int>> request, int concurrency, int warmup, int measured, TimeSpan timeout,
        Func<Task> windowOpens, Func<Task> windowCloses)
    {
        var clock = Stopwatch.StartNew();
        var latencies = new double[measured];
        Array.Fill(latencies, double.NaN);
        var failures = new ConcurrentDictionary<string, int>();
        var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var abort = new CancellationTokenSource();
        long issued = 0, bytes = 0;
        var measuredOpen = measured;
        var completedInWindow = 0;
        var windowOpen = false;
        var opening = 0;
        var closed = 0;
        TimeSpan openedAt = default, closedAt = default;

        async Task OpenAsync()
        {
            if (Interlocked.Exchange(ref opening, 1) == 0)
            {
                await windowOpens();
                openedAt = clock.Elapsed;
                Volatile.Write(ref windowOpen, true);
                opened.TrySetResult();
            }
        }

        async Task CloseAsync()
        {
            if (Interlocked.Exchange(ref closed, 1) == 0)
            {
                Volatile.Write(ref windowOpen, false);
                closedAt = clock.Elapsed;
                await windowCloses();
            }
        }

        async Task ClientAsync()
        {
            while (Volatile.Read(ref closed) == 0 && !abort.IsCancellationRequested)
            {
                var index = Interlocked.Increment(ref issued) - warmup; // 1..measured: measured; below: warmup; above: filler
                if (index == 1)
                {
                    await OpenAsync();
                }
                else if (index > 1)
                {
                    await opened.Task;
                }

                var started = clock.Elapsed;
                var ok = false;
                try
                {
                    var length = await request(abort.Token);
                    ok = true;
                    if (Volatile.Read(ref windowOpen))
                    {
                        Interlocked.Increment(ref completedInWindow);
                        Interlocked.Add(ref bytes, length);
                    }
                }
                catch (Exception ex) when (!abort.IsCancellationRequested || index is >= 1 && index <= measured)
                {
                    var message = abort.IsCancellationRequested ? $"no answer within the level's {timeout.TotalSeconds:0} s" : ex.Message;
                    failures.AddOrUpdate(message.Length > 400 ? message[..400] : message, 1, (_, n) => n + 1);
                }
                catch (Exception)
                {
                    // a warmup or filler request cut off when the level stopped
                }

                if (index is >= 1 && index <= measured)
                {
                    if (ok) latencies[index - 1] = (clock.Elapsed - started).TotalMilliseconds;
                    if (Interlocked.Decrement(ref measuredOpen) == 0)
                    {
                        await CloseAsync();
                    }
                }
            }
        }

        var clients = Enumerable.Range(0, concurrency).Select(_ => Task.Run(ClientAsync)).ToArray();
        var all = Task.WhenAll(clients);
        if (await Task.WhenAny(all, Task.Delay(timeout)) != all)
        {
            await OpenAsync();
            await CloseAsync();
            abort.Cancel();
            await all;
        }

        return new LoadResult([.. latencies.Where(l => !double.IsNaN(l)).Order()], completedInWindow, closedAt - openedAt, failures, bytes);
    }
}
