using FluxAspire.Api.Operations.Resilience;
using FluxAspire.Api.Pipeline.Comfy;
using Polly;

namespace FluxAspire.Tests.Api.Resilience;

/// <summary>The "comfyui" pipeline (the WebSocket's reconnects) on a fake clock.</summary>
public sealed class ComfyReconnectPipelineTests : IDisposable
{
    private readonly ResilienceHost _host = new(new()
    {
        ["ComfyUI:ReconnectMinDelay"] = "00:00:00.100",
        ["ComfyUI:ReconnectMaxDelay"] = "00:00:02",
    });

    public void Dispose() => _host.Dispose();

    private ResiliencePipeline<bool> Pipeline => _host.Pipelines.GetPipeline<bool>(ResiliencePipelines.ComfyUI);

    [Fact]
    public void Reconnect_backoff_grows_and_is_capped()
    {
        var options = new ComfyOptions { ReconnectMinDelay = TimeSpan.FromMilliseconds(100), ReconnectMaxDelay = TimeSpan.FromSeconds(2) };

        Assert.InRange(ComfyReconnect.Delay(options, 0).TotalMilliseconds, 80, 120);
        Assert.InRange(ComfyReconnect.Delay(options, 3).TotalMilliseconds, 640, 960);
        Assert.InRange(ComfyReconnect.Delay(options, 50).TotalMilliseconds, 1600, 2400);
        Assert.InRange(ComfyReconnect.Delay(options, int.MaxValue).TotalMilliseconds, 1600, 2400);
    }

    [Fact]
    public async Task Reconnect_waits_double_per_failed_connect_and_start_over_after_a_connection()
    {
        // Whether each attempt connected: three failures, a connection that later dropped, two failures, then it stays up.
        bool[] connected = [false, false, false, true, false, false];
        var attempts = 0;
        using var stopping = new CancellationTokenSource();
        var socket = Pipeline.ExecuteAsync(async ct =>
        {
            if (attempts == connected.Length) await Task.Delay(Timeout.Infinite, ct);
            return connected[attempts++];
        }, stopping.Token).AsTask();

        var waits = new List<TimeSpan>();
        for (var i = 0; i < connected.Length; i++) waits.Add(await _host.Clock.ElapseNextTimerAsync());
        await Eventually.UntilAsync(() => Volatile.Read(ref attempts) == connected.Length, TimeSpan.FromSeconds(10), "the last connection");
        await stopping.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => socket);
        // 100, 200, 400 ms after failed connects, 100 ms again after the connection, then 200, 400 ms; ±20 % each.
        double[] expected = [100, 200, 400, 100, 200, 400];
        Assert.All(waits.Zip(expected), w => Assert.InRange(w.First.TotalMilliseconds, w.Second * 0.8, w.Second * 1.2));
    }

    [Fact]
    public async Task Failed_connects_keep_going_at_the_cap()
    {
        var attempts = 0;
        using var stopping = new CancellationTokenSource();
        var socket = Pipeline.ExecuteAsync(_ => { attempts++; return ValueTask.FromResult(false); }, stopping.Token).AsTask();

        var waits = new List<TimeSpan>();
        for (var i = 0; i < 100; i++) waits.Add(await _host.Clock.ElapseNextTimerAsync());
        await stopping.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => socket);
        Assert.All(waits.Skip(5), w => Assert.InRange(w.TotalMilliseconds, 1600, 2400));
        Assert.InRange(attempts, 100, 101);
    }

    [Fact]
    public async Task An_unexpected_exception_is_not_retried()
    {
        var attempts = 0;

        await Assert.ThrowsAsync<InvalidOperationException>(() => Pipeline.ExecuteAsync<bool>(_ =>
        {
            attempts++;
            throw new InvalidOperationException("a bug");
        }, CancellationToken.None).AsTask());
        Assert.Equal(1, attempts);
        Assert.False(_host.Clock.HasPendingTimer);
    }
}
