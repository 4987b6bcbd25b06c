namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>This process among the API's replicas: the name it leases jobs under in a shared queue, shown as a job's replica.</summary>
public sealed class ReplicaIdentity
{
    public string Id { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
}
