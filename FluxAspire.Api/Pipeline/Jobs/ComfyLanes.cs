using FluxAspire.Api.Pipeline.Cleanup;
using FluxAspire.Api.Pipeline.Comfy;
using FluxAspire.Api.Pipeline.Inputs;
using FluxAspire.Api.Pipeline.Outputs;
using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>
/// One ComfyUI backend as the worker uses it: what runs a job there (input upload, prompt, output fetch, file cleanup)
/// and its <see cref="JobsOptions.Prefetch"/> slots.
/// </summary>
public sealed class ComfyLane(ComfyBackend backend, ImageInputUploader inputs, OutputCollector outputs, JobFileCleanup cleanup, int capacity)
{
    private int _held;
    private int _running;
    private long _completed;

    public ComfyBackend Backend { get; } = backend;

    public string Name => Backend.Name;

    public ImageInputUploader Inputs { get; } = inputs;

    public OutputCollector Outputs { get; } = outputs;

    public JobFileCleanup Cleanup { get; } = cleanup;

    public int Capacity { get; } = capacity;

    /// <summary>Slots taken now: by jobs on this backend, or by the worker about to take the next job for it.</summary>
    public int Held => Volatile.Read(ref _held);

    /// <summary>Jobs on this backend now (running or queued in its ComfyUI).</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>Runs this backend has taken to an end since start, whatever the outcome (warmup included).</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>Counts one run of a job on this backend, from its input upload to its outputs.</summary>
    public RunScope Run()
    {
        Interlocked.Increment(ref _running);
        return new RunScope(this);
    }

    internal int Free => Capacity - _held;

    internal long LastTaken { get; set; }

    internal void Take() => _held++;

    internal void Give() => _held--;

    public readonly struct RunScope(ComfyLane lane) : IDisposable
    {
        public void Dispose()
        {
            Interlocked.Decrement(ref lane._running);
            Interlocked.Increment(ref lane._completed);
        }
    }
}

/// <summary>
/// Hands each job to a backend with a free slot: among warm backends (model loaded, answering) the one with the most
/// free slots, the least recently used first when that ties, so a faster GPU, which frees its slots sooner, simply
/// takes more. While no backend is warm any free one is taken, so a single ComfyUI behaves as it always did (its own
/// errors and the deadline answer the job); while some are warm but busy, the job waits for one of them.
/// </summary>
public sealed class ComfyLanes
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = NewSignal();
    private long _sequence;

    public ComfyLanes(
        ComfyBackends backends, IServiceProvider services, ImageInputUploader inputs, OutputCollector outputs, JobFileCleanup cleanup,
        IOptions<JobsOptions> options)
    {
        var capacity = options.Value.Prefetch;
        var all = new List<ComfyLane> { new(backends.Primary, inputs, outputs, cleanup, capacity) };
        foreach (var backend in backends.All.Skip(1))
        {
            var folders = Options.Create(new ComfyFolderOptions
            {
                InputDirectory = backend.Address.InputDirectory,
                OutputDirectory = backend.Address.OutputDirectory,
            });
            all.Add(new ComfyLane(backend,
                ActivatorUtilities.CreateInstance<ImageInputUploader>(services, backend.Client),
                ActivatorUtilities.CreateInstance<OutputCollector>(services, backend.Client),
                ActivatorUtilities.CreateInstance<JobFileCleanup>(services, backend.Client, folders),
                capacity));
        }

        All = all;
        foreach (var lane in all)
        {
            lane.Backend.WarmthChanged += Signal;
        }
    }

    public IReadOnlyList<ComfyLane> All { get; }

    /// <summary>A slot on the best backend for a new job, waiting until there is one.</summary>
    public Task<Lease> AcquireAsync(CancellationToken cancellationToken) => AcquireAsync(static (lanes, _) => lanes.Pick(null), null, cancellationToken);

    /// <summary>A slot on <paramref name="lane"/> itself (a job pinned to it: its warmup), warm or not.</summary>
    public Task<Lease> AcquireAsync(ComfyLane lane, CancellationToken cancellationToken) =>
        AcquireAsync(static (_, wanted) => wanted!.Free > 0 ? wanted : null, lane, cancellationToken);

    /// <summary>A warm backend other than <paramref name="except"/> exists (a job that lost its backend can go there).</summary>
    public bool HasWarmOtherThan(ComfyLane except) => All.Any(l => l != except && l.Backend.IsWarm);

    /// <summary>A slot on a warm backend other than <paramref name="except"/>, waiting for one to free up.</summary>
    public Task<Lease> AcquireOtherAsync(ComfyLane except, CancellationToken cancellationToken) =>
        AcquireAsync(static (lanes, except) => lanes.Pick(except), except, cancellationToken);

    private async Task<Lease> AcquireAsync(Func<ComfyLanes, ComfyLane?, ComfyLane?> pick, ComfyLane? argument, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (pick(this, argument) is { } lane)
                {
                    lane.Take();
                    lane.LastTaken = ++_sequence;
                    return new Lease(this, lane);
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    // Under _gate.
    private ComfyLane? Pick(ComfyLane? except)
    {
        var candidates = All.Where(l => l != except);
        var warm = candidates.Where(l => l.Backend.IsWarm).ToList();
        var pool = warm.Count > 0 || except is not null ? warm : candidates.ToList();
        return pool.Where(l => l.Free > 0).OrderByDescending(l => l.Free).ThenBy(l => l.LastTaken).FirstOrDefault();
    }

    private void Release(ComfyLane lane)
    {
        lock (_gate)
        {
            lane.Give();
        }

        Signal();
    }

    private void Signal()
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            changed = _changed;
            _changed = NewSignal();
        }

        changed.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A job's slot on one backend, given back once.</summary>
    public sealed class Lease(ComfyLanes owner, ComfyLane lane) : IDisposable
    {
        private int _released;

        public ComfyLane Lane { get; } = lane;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Release(Lane);
            }
        }
    }
}
