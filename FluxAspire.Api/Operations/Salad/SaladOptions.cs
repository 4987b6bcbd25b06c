using System.ComponentModel.DataAnnotations;

namespace FluxAspire.Api.Operations.Salad;

/// <summary>
/// How the API talks to SaladCloud's instance metadata service (IMDS). Bound from "Salad"; nothing is sent unless the
/// replica runs on Salad, which Salad's own environment says (SALAD_MACHINE_ID or SALAD_CONTAINER_GROUP_ID).
/// </summary>
public sealed class SaladOptions
{
    public const string SectionName = "Salad";

    /// <summary>The variables Salad sets in every container; either one present means the replica runs on Salad.</summary>
    public static readonly IReadOnlyList<string> PresenceVariables = ["SALAD_MACHINE_ID", "SALAD_CONTAINER_GROUP_ID"];

    /// <summary>The link-local address Salad documents for its metadata service.</summary>
    [Required]
    public Uri MetadataUrl { get; set; } = new("http://169.254.169.254/");

    /// <summary>Keep Salad's deletion cost at this replica's queued + running jobs, so scale-in removes idle replicas first.</summary>
    public bool DeletionCost { get; set; } = true;

    /// <summary>The deletion cost is sent on change, at most once per this interval.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan DeletionCostInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Supervised mode: after this many consecutive starts in which ComfyUI never answered, ask Salad to move the
    /// replica to another node. 0: never.</summary>
    [Range(0, 1000)]
    public int ReallocateAfterFailedStarts { get; set; } = 3;

    /// <summary>Supervised mode: ask Salad for another node at start when `nvidia-smi -L` lists no GPU.</summary>
    public bool ReallocateWithoutGpu { get; set; } = true;

    /// <summary>The program that lists the node's GPUs, one "GPU n: …" line each, when run with "-L".</summary>
    [Required]
    public string GpuListCommand { get; set; } = "nvidia-smi";

    /// <summary>Every call to the metadata service is bounded by this; a failure is logged and never fatal.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(3);
}
