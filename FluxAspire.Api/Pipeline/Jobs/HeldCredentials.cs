using System.Collections.Concurrent;
using FluxAspire.Api.Delivery.Credentials;

namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>
/// The upload credentials of the jobs this replica accepted and delivers itself (<see cref="JobRequest.CredentialsHeldBy"/>),
/// in this process's memory only: a secret is never written to Redis. Such a job runs only here; a replica that takes it
/// over after this one is lost finds nothing here and fails it instead of uploading with the server's own credentials.
/// </summary>
public sealed class HeldCredentials
{
    private readonly ConcurrentDictionary<string, RequestCredentials> _byJob = new(StringComparer.Ordinal);

    public void Hold(string jobId, RequestCredentials credentials) => _byJob[jobId] = credentials;

    public RequestCredentials? TryGet(string jobId) => _byJob.TryGetValue(jobId, out var credentials) ? credentials : null;

    /// <summary>The job has ended here (its delivery has the request in hand) or was refused.</summary>
    public void Drop(string jobId) => _byJob.TryRemove(jobId, out _);
}
