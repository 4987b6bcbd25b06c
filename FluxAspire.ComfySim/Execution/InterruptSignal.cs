namespace FluxAspire.ComfySim.Execution;

/// <summary>
/// ComfyUI's global interrupt flag: set by POST /interrupt, checked at each node start and each sampler step,
/// cleared when the next prompt starts. Waiting for a step also wakes up at once when it is set.
/// </summary>
public sealed class InterruptSignal
{
    private readonly Lock _lock = new();
    private volatile bool _requested;
    private TaskCompletionSource _raised = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsRequested => _requested;

    public void Request()
    {
        lock (_lock)
        {
            _requested = true;
            _raised.TrySetResult();
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _requested = false;
            if (_raised.Task.IsCompleted)
            {
                _raised = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    public void ThrowIfRequested()
    {
        if (_requested)
        {
            throw new InterruptedException();
        }
    }

    /// <summary>Waits <paramref name="milliseconds"/>, or less if an interrupt arrives.</summary>
    public Task DelayAsync(int milliseconds)
    {
        if (milliseconds <= 0)
        {
            return Task.CompletedTask;
        }

        Task raised;
        lock (_lock) { raised = _raised.Task; }
        return Task.WhenAny(Task.Delay(milliseconds), raised);
    }

    public Task Raised
    {
        get { lock (_lock) { return _raised.Task; } }
    }
}

/// <summary>comfy.model_management.InterruptProcessingException.</summary>
public sealed class InterruptedException() : Exception("Processing interrupted");
