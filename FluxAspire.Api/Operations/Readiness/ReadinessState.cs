
namespace FluxAspire.Api.Operations.Readiness;

/// <summary>Whether warmup has run, and if not, why.</summary>
public sealed class ReadinessState
{
    private volatile bool _warm;
    private volatile string _waitingFor = "warmup has not run yet";

    public bool IsWarm => _warm;

    public string WaitingFor => _waitingFor;

    public void MarkWarm() => _warm = true;

    public void MarkCold(string reason)
    {
        _waitingFor = reason;
        _warm = false;
    }

    public void Waiting(string reason) => _waitingFor = reason;
}
