using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace FluxAspire.AppHost.Publishing;

/// <summary>The AppHost's <c>Deploy</c> section: what manifest publishing writes besides the manifest.</summary>
internal sealed partial class DeploymentOptions
{
    public const string SectionName = "Deploy";

    /// <summary>The resource that serves the public API (the recipe's port 3000 lives here).</summary>
    public string ApiResource { get; set; } = "api";

    /// <summary>The port the API listens on in every deployment: the recipe's contract, Salad's gateway port.</summary>
    public int Port { get; set; } = 3000;

    /// <summary>Image per resource name, overriding the project's container properties or the Compose build tag.</summary>
    public Dictionary<string, string> Images { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The Compose project name (<c>name:</c>), which prefixes containers and volumes.</summary>
    public string ComposeProjectName { get; set; } = "fluxaspire";

    public SaladOptions Salad { get; set; } = new();

    public static DeploymentOptions From(IConfiguration configuration)
    {
        var options = new DeploymentOptions();
        var section = configuration.GetSection(SectionName);
        section.Bind(options);
        // Bind appends configured list items to the defaults; a configured list replaces them instead.
        // A comma-separated value (--Deploy:Salad:GpuClasses=id1,id2) is accepted too.
        var gpuClasses = section.GetSection("Salad:GpuClasses");
        var configured = gpuClasses.Value is { } joined
            ? joined.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList()
            : gpuClasses.GetChildren().Select(c => c.Value).OfType<string>().ToList();
        if (configured.Count > 0 || gpuClasses.Value is not null)
        {
            options.Salad.GpuClasses = configured;
        }

        options.Validate();
        return options;
    }

    private void Validate()
    {
        Require(Port is > 0 and < 65536, $"{SectionName}:Port must be a TCP port, not {Port}");
        Require(ComposeProjectNamePattern().IsMatch(ComposeProjectName),
            $"{SectionName}:ComposeProjectName '{ComposeProjectName}' must be lowercase letters, digits, '-' or '_', starting with a letter or digit");
        Salad.Validate();
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]*$")]
    private static partial Regex ComposeProjectNamePattern();

    internal static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }
}
