using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

/// <summary>Which container runtime DCP will drive: Aspire's own setting first, then what is installed.</summary>
public static class ContainerRuntimeName
{
    /// <summary>Docker's command name (and Aspire's default runtime).</summary>
    public const string Docker = "docker";

    /// <summary>Podman's command name.</summary>
    public const string Podman = "podman";

    /// <summary>The configuration keys Aspire reads for its runtime choice, in its order.</summary>
    public static readonly IReadOnlyList<string> ConfigurationKeys =
        ["ASPIRE_CONTAINER_RUNTIME", "DOTNET_ASPIRE_CONTAINER_RUNTIME", "DcpPublisher:ContainerRuntime"];

    /// <summary>The runtime set in configuration, lower-cased; <see langword="null"/> when none is set.</summary>
    public static string? Configured(IConfiguration configuration) =>
        ConfigurationKeys.Select(key => configuration[key]).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim().ToLowerInvariant();

    /// <summary>
    /// The configured runtime; else, like Aspire's own choice, the first of docker and podman that answers
    /// (<paramref name="probe"/>); else docker, Aspire's default.
    /// </summary>
    public static async Task<string> ResolveAsync(IConfiguration configuration, IComfyUIEnvironmentProbe probe, CancellationToken cancellationToken)
    {
        if (Configured(configuration) is { } configured)
        {
            return configured;
        }

        var found = await probe.FindContainerRuntimeAsync(null, cancellationToken);
        return found.Found && found.Detail.StartsWith(Podman, StringComparison.Ordinal) ? Podman : Docker;
    }
}
