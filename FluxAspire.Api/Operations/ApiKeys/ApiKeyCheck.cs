using System.Security.Cryptography;
using System.Text;

namespace FluxAspire.Api.Operations.ApiKeys;

/// <summary>
/// Compares a presented X-Api-Key with the configured key in constant time. Both are hashed with SHA-256 first, so the
/// comparison always covers 32 bytes and neither the key's length nor a matching prefix shows in the timing. Only the
/// hash of the key is kept.
/// </summary>
internal sealed class ApiKeyCheck(string key)
{
    public const string HeaderName = "X-Api-Key";

    private readonly byte[] _expected = Hash(key);

    /// <summary>Requests that never need the key: load balancer probes (/health, /alive, /ready), the API
    /// documentation (/docs, /openapi), which describes the API but serves no data, and the playground's static files
    /// (/playground, and / that redirects there), whose page asks for the key and sends it with every call it makes.</summary>
    private static readonly PathString[] OpenPaths = ["/health", "/alive", "/ready", "/docs", "/openapi", "/playground"];

    public bool Accepts(string? presented) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(Hash(presented), _expected);

    public static bool IsOpen(PathString path) => path.Value == "/" || OpenPaths.Any(open => path.StartsWithSegments(open));

    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}
