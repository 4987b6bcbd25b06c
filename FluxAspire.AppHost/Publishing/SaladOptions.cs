using System.Text.RegularExpressions;

namespace FluxAspire.AppHost.Publishing;

/// <summary>
/// <c>Deploy:Salad</c>: the SaladCloud container group for the one-image deployment (the API supervising ComfyUI).
/// Defaults follow Salad's FLUX.1-dev ComfyUI recipe.
/// </summary>
internal sealed partial class SaladOptions
{
    /// <summary>The GPU class of the recipe: RTX 4090, 24 GB. List your organization's classes with GET /organizations/{org}/gpu-classes.</summary>
    public const string Rtx4090GpuClass = "ed563892-aacd-40f5-80b7-90c9be6c759b";

    /// <summary>The container group name: lowercase letters, digits and '-', 2 to 63 characters.</summary>
    public string Name { get; set; } = "fluxaspire";

    /// <summary>
    /// The one image (API + ComfyUI), as deploy/salad/build.sh tags it without a registry; set it to where you pushed
    /// it (e.g. ghcr.io/acme/salad:1.0), since Salad pulls from a registry.
    /// </summary>
    public string Image { get; set; } = "fluxaspire/salad:latest";

    public int Replicas { get; set; } = 3;

    /// <summary>vCPUs per replica (Salad allows 1 to 16).</summary>
    public int Cpu { get; set; } = 4;

    /// <summary>Memory per replica in MB (Salad allows 1024 to 61440).</summary>
    public int MemoryMb { get; set; } = 30720;

    /// <summary>GPU class ids; any of them will do.</summary>
    public List<string> GpuClasses { get; set; } = [Rtx4090GpuClass];

    /// <summary>Disk per replica in GB: room for the FLUX.1-dev FP8 checkpoint (about 17 GB) downloaded at start-up.</summary>
    public int StorageGb { get; set; } = 30;

    /// <summary>Salad's gateway asks callers for a <c>Salad-Api-Key</c> header when true.</summary>
    public bool Auth { get; set; } = true;

    /// <summary>Countries the nodes must be in (ISO codes such as <c>us</c>); empty allows any.</summary>
    public List<string> CountryCodes { get; set; } = [];

    internal void Validate()
    {
        const string prefix = DeploymentOptions.SectionName + ":Salad:";
        DeploymentOptions.Require(NamePattern().IsMatch(Name), $"{prefix}Name '{Name}' must be 2-63 lowercase letters, digits or '-', starting with a letter");
        DeploymentOptions.Require(!string.IsNullOrWhiteSpace(Image), $"{prefix}Image must name the one image Salad pulls");
        DeploymentOptions.Require(Replicas is >= 0 and <= 500, $"{prefix}Replicas must be 0 to 500, not {Replicas}");
        DeploymentOptions.Require(Cpu is >= 1 and <= 16, $"{prefix}Cpu must be 1 to 16, not {Cpu}");
        DeploymentOptions.Require(MemoryMb is >= 1024 and <= 61440, $"{prefix}MemoryMb must be 1024 to 61440, not {MemoryMb}");
        DeploymentOptions.Require(GpuClasses.Count > 0 && GpuClasses.All(c => !string.IsNullOrWhiteSpace(c)), $"{prefix}GpuClasses must name at least one GPU class id");
        DeploymentOptions.Require(StorageGb is >= 1 and <= 250, $"{prefix}StorageGb must be 1 to 250, not {StorageGb}");
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{0,61}[a-z0-9]$")]
    private static partial Regex NamePattern();
}
