using System.Globalization;
using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Operations.Supervisor;

/// <summary>
/// Where the supervised ComfyUI child stands, for /ready. Without a launch command nothing is supervised and
/// <see cref="NotReadyReason"/> is always null.
/// </summary>
public sealed class ComfyProcessState(IOptions<ComfyLaunchOptions> options, TimeProvider time)
{
    private enum Phase { NotStarted, Starting, Up, Down, Stopping }

    private readonly Lock _gate = new();
    private Phase _phase;
    private int? _processId;
    private int _restarts;
    private string _lastExit = "";
    private DateTimeOffset _restartAt;

    public bool Supervised { get; } = options.Value.Enabled;

    /// <summary>The child's pid while it runs.</summary>
    public int? ProcessId
    {
        get { lock (_gate) { return _processId; } }
    }

    /// <summary>Restarts so far (the first start is not one).</summary>
    public int Restarts
    {
        get { lock (_gate) { return _restarts; } }
    }

    /// <summary>Null while the child answers (or nothing is supervised); otherwise a line for /ready's reasons.</summary>
    public string? NotReadyReason
    {
        get
        {
            if (!Supervised)
            {
                return null;
            }

            lock (_gate)
            {
                return _phase switch
                {
                    Phase.NotStarted => "ComfyUI process has not started yet",
                    Phase.Starting when _restarts == 0 => $"ComfyUI process is starting (pid {_processId})",
                    Phase.Starting => $"ComfyUI process is starting (pid {_processId}, restart {_restarts})",
                    Phase.Down => string.Create(CultureInfo.InvariantCulture,
                        $"ComfyUI process is down ({_lastExit}; restart {_restarts + 1} in {Math.Max(0, (_restartAt - time.GetUtcNow()).TotalSeconds):0.0} s)"),
                    Phase.Stopping => "ComfyUI process is stopping",
                    _ => null,
                };
            }
        }
    }

    internal void Starting(int processId, int restarts)
    {
        lock (_gate)
        {
            (_phase, _processId, _restarts) = (Phase.Starting, processId, restarts);
        }
    }

    internal void Up()
    {
        lock (_gate) { _phase = Phase.Up; }
    }

    /// <param name="restarts">Restarts before this one; the next start is restart <paramref name="restarts"/> + 1.</param>
    internal void Down(string lastExit, int restarts, DateTimeOffset restartAt)
    {
        lock (_gate)
        {
            (_phase, _processId, _lastExit, _restarts, _restartAt) = (Phase.Down, null, lastExit, restarts, restartAt);
        }
    }

    internal void Stopping()
    {
        lock (_gate) { _phase = Phase.Stopping; }
    }
}
