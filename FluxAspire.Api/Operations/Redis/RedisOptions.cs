using System.ComponentModel.DataAnnotations;

namespace FluxAspire.Api.Operations.Redis;

/// <summary>How the API talks to Redis and judges its health. Bound from the "Redis" section; the server itself comes from
/// ConnectionStrings:cache.</summary>
public sealed class RedisOptions
{
    public const string SectionName = "Redis";

    /// <summary>Connect, sync and async timeout of every Redis call: a dead or hung Redis costs a request at most this.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the availability check PINGs Redis.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A PING slower than this makes Redis "slow": /ready lists it as degraded.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan SlowPing { get; set; } = TimeSpan.FromSeconds(1);
}
