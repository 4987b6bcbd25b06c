namespace FluxAspire.Api.Operations.Redis;

/// <summary>One verdict on Redis.</summary>
/// <param name="IsAvailable">Redis answers in time.</param>
/// <param name="Trouble">What is wrong (<see cref="RedisTrouble.None"/> when available).</param>
/// <param name="Reason">Why it is not available, for people; null when available.</param>
/// <param name="Since">When this verdict (this kind of trouble, or availability) began.</param>
public sealed record RedisVerdict(bool IsAvailable, RedisTrouble Trouble, string? Reason, DateTimeOffset Since);

/// <summary>What is wrong with Redis, if anything.</summary>
public enum RedisTrouble
{
    None,
    NotConfigured,
    Connecting,
    Unreachable,
    Slow,
    Error,
}
