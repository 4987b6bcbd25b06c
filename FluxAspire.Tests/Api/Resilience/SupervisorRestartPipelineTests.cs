using FluxAspire.Api.Operations.Resilience;
using FluxAspire.Api.Operations.Supervisor;
using Polly;

namespace FluxAspire.Tests.Api.Resilience;

/// <summary>The "supervisor-restart" pipeline (restarts of the ComfyUI child) on a fake clock.</summary>
public sealed class SupervisorRestartPipelineTests : IDisposable
{
    private readonly ResilienceHost _host = new(new()
    {
        ["ComfyUI:Launch:RestartMinDelay"] = "00:00:00.200",
        ["ComfyUI:Launch:RestartMaxDelay"] = "00:00:01",
        ["ComfyUI:Launch:StableAfter"] = "00:01:00",
    });

    public void Dispose() => _host.Dispose();

    private ResiliencePipeline<SupervisedRun> Pipeline => _host.Pipelines.GetPipeline<SupervisedRun>(ResiliencePipelines.SupervisorRestart);

    [Fact]
    public async Task Backoff_doubles_up_to_the_cap_and_starts_over_after_a_stable_run()
    {
        // Five runs that exit at once, one that answered for the StableAfter minute, one more that exits at once.
        TimeSpan[] answeredFor = [TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromMinutes(1), TimeSpan.Zero];
        var runs = 0;
        var restarts = new List<(string Description, int Restarts, TimeSpan Delay)>();
        using var stopping = new CancellationTokenSource();
        var supervising = Pipeline.ExecuteOutcomeAsync(_host.Clock, async ct =>
            {
                if (runs == answeredFor.Length) await Task.Delay(Timeout.Infinite, ct);
                var run = runs++;
                return new SupervisedRun($"exited with code {run}", answeredFor[run]);
            },
            (ended, restart, delay) => restarts.Add((ended.Result.Description, restart, delay)), stopping.Token).AsTask();

        var waits = new List<TimeSpan>();
        for (var i = 0; i < answeredFor.Length; i++) waits.Add(await _host.Clock.ElapseNextTimerAsync());
        await Eventually.UntilAsync(() => Volatile.Read(ref runs) == answeredFor.Length, TimeSpan.FromSeconds(10), "the last run");
        await stopping.CancelAsync();
        var last = await supervising;

        Assert.Equal([200, 400, 800, 1000, 1000, 200, 400], waits.Select(w => w.TotalMilliseconds));
        Assert.Equal(Enumerable.Range(0, answeredFor.Length), restarts.Select(r => r.Restarts));
        Assert.Equal(waits, restarts.Select(r => r.Delay));
        Assert.Equal("exited with code 5", restarts[5].Description);
        Assert.IsAssignableFrom<OperationCanceledException>(last.Exception);
    }

    [Fact]
    public async Task Stopping_during_the_wait_starts_nothing_more()
    {
        var runs = 0;
        using var stopping = new CancellationTokenSource();
        var supervising = Pipeline.ExecuteOutcomeAsync(_host.Clock, _ => { runs++; return ValueTask.FromResult(new SupervisedRun("exited with code 0", TimeSpan.Zero)); },
            null, stopping.Token).AsTask();

        Assert.Equal(TimeSpan.FromMilliseconds(200), await _host.Clock.NextTimerAsync());
        await stopping.CancelAsync();
        var last = await supervising;

        Assert.IsAssignableFrom<OperationCanceledException>(last.Exception);
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task A_run_that_ends_because_the_API_stops_is_not_restarted()
    {
        using var stopping = new CancellationTokenSource();
        var runs = 0;
        var restarted = false;
        var last = await Pipeline.ExecuteOutcomeAsync(_host.Clock, _ =>
        {
            runs++;
            stopping.Cancel();
            return ValueTask.FromResult(new SupervisedRun("stopped", TimeSpan.Zero));
        }, (_, _, _) => restarted = true, stopping.Token);

        // Neither reported down ("restart 1 in …") nor waited on: the run's own end is the last word.
        Assert.False(restarted);
        Assert.Equal("stopped", last.Result.Description);
        Assert.Equal(1, runs);
        Assert.False(_host.Clock.HasPendingTimer);
    }
}
