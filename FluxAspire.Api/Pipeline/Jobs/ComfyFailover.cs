using FluxAspire.Api.Pipeline.Comfy;
using Polly;
using Polly.Retry;

namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>The slot a running job holds; it moves to another backend when the job does.</summary>
internal sealed class LeaseHolder(ComfyLanes.Lease first) : IDisposable
{
    public ComfyLanes.Lease Current { get; private set; } = first;

    public void Swap(ComfyLanes.Lease next)
    {
        var previous = Current;
        Current = next;
        previous.Dispose();
    }

    public void Dispose() => Current.Dispose();
}

/// <summary>
/// With several ComfyUI backends: a job whose backend stops answering (<see cref="ComfyUnavailableException"/>: not
/// reachable, or silent past ComfyUI:UnreachableGracePeriod) runs again on another warm backend, at once and at most
/// once per other backend. Without a warm one the failure stands, as with a single ComfyUI.
/// </summary>
internal sealed class ComfyFailover
{
    private static readonly ResiliencePropertyKey<LeaseHolder> LeaseKey = new("fluxaspire.lease");
    private static readonly ResiliencePropertyKey<Action<ComfyLane, ComfyLane, string>> MovedKey = new("fluxaspire.moved");

    private readonly ResiliencePipeline<JobResult> _pipeline;

    public ComfyFailover(ComfyLanes lanes, TimeProvider time)
    {
        var builder = new ResiliencePipelineBuilder<JobResult> { TimeProvider = time };
        if (lanes.All.Count > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<JobResult>
            {
                MaxRetryAttempts = lanes.All.Count - 1,
                Delay = TimeSpan.Zero,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is ComfyUnavailableException
                    && !args.Context.CancellationToken.IsCancellationRequested
                    && lanes.HasWarmOtherThan(args.Context.Properties.GetValue(LeaseKey, null!).Current.Lane)),
                OnRetry = async args =>
                {
                    var lease = args.Context.Properties.GetValue(LeaseKey, null!);
                    var from = lease.Current.Lane;
                    lease.Swap(await lanes.AcquireOtherAsync(from, args.Context.CancellationToken));
                    args.Context.Properties.GetValue(MovedKey, null!)(from, lease.Current.Lane, args.Outcome.Exception!.Message);
                },
            });
        }

        _pipeline = builder.Build();
    }

    /// <param name="onMoved">Told (from, to, why) each time the job moves.</param>
    public async Task<JobResult> ExecuteAsync(
        LeaseHolder lease, Func<CancellationToken, Task<JobResult>> run, Action<ComfyLane, ComfyLane, string> onMoved, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(LeaseKey, lease);
        context.Properties.Set(MovedKey, onMoved);
        try
        {
            return await _pipeline.ExecuteAsync(static async (ctx, run) => await run(ctx.CancellationToken), context, run);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
