using Microsoft.Extensions.Configuration;

namespace FluxAspire.AppHost.Redis;

/// <summary>The AppHost's <c>Redis</c> configuration section.</summary>
public sealed class RedisHostOptions
{
    public const string SectionName = "Redis";

    public RedisHostingMode Mode { get; init; } = RedisHostingMode.Auto;

    /// <summary>The redis-server to run in executable mode; empty: <c>redis-server</c> found on PATH.</summary>
    public string? ServerPath { get; init; }

    /// <summary>Reads the <c>Redis</c> section; an unknown mode fails here, before anything starts.</summary>
    public static RedisHostOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var mode = RedisHostingMode.Auto;
        if (section["Mode"] is { Length: > 0 } text
            && !(Enum.TryParse(text, ignoreCase: true, out mode) && Enum.IsDefined(mode)))
        {
            throw new InvalidOperationException(
                $"{SectionName}:Mode '{text}' is not one of: {string.Join(", ", Enum.GetNames<RedisHostingMode>().Select(n => n.ToLowerInvariant()))}");
        }

        return new RedisHostOptions { Mode = mode, ServerPath = section["ServerPath"] is { Length: > 0 } path ? path : null };
    }
}
