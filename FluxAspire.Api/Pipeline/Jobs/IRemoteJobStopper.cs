namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>Stops a job on whichever other replica runs it (its end is already recorded); a no-op on a single node.</summary>
public interface IRemoteJobStopper
{
    Task StopElsewhereAsync(string id, JobFailure reason);
}

public sealed class NoRemoteJobStopper : IRemoteJobStopper
{
    public Task StopElsewhereAsync(string id, JobFailure reason) => Task.CompletedTask;
}
