namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>Where a page of GET /jobs starts: jobs created before this one (newest first; the id breaks ties).</summary>
public sealed record JobListCursor(DateTimeOffset CreatedAt, string Id)
{
    public static JobListCursor Of(JobRecord job) => new(job.CreatedAt, job.Id);

    /// <summary>Whether <paramref name="job"/> comes after the cursor, newest first.</summary>
    public bool IsAfter(JobRecord job) =>
        job.CreatedAt.ToUnixTimeMilliseconds() < CreatedAt.ToUnixTimeMilliseconds()
        || (job.CreatedAt.ToUnixTimeMilliseconds() == CreatedAt.ToUnixTimeMilliseconds() && string.CompareOrdinal(job.Id, Id) < 0);

    /// <summary>Newest first, the id (descending) breaking ties within a millisecond, as Redis orders equal scores.</summary>
    public static IEnumerable<JobRecord> NewestFirst(IEnumerable<JobRecord> jobs) =>
        jobs.OrderByDescending(j => j.CreatedAt.ToUnixTimeMilliseconds()).ThenByDescending(j => j.Id, StringComparer.Ordinal);
}
