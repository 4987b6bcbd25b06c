
namespace FluxAspire.Api.Pipeline.Workflows;

/// <summary>Configuration section "Workflows".</summary>
public sealed class WorkflowsOptions
{
    public const string Section = "Workflows";

    /// <summary>Folder of custom definitions, relative to the content root; "workflows" by default. The recipe's
    /// WORKFLOW_DIR environment variable is honoured when this is not set.</summary>
    public string? Directory { get; set; }
}
