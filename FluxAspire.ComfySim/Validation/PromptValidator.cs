using System.Text.Json.Nodes;
using FluxAspire.ComfySim.Schemas;

namespace FluxAspire.ComfySim.Validation;

/// <summary>ComfyUI's validate_prompt / validate_inputs, for any graph, against the real node schemas.</summary>
public sealed class PromptValidator(NodeSchemaCatalog catalog)
{
    private readonly NodeSchemaCatalog _catalog = catalog;

    /// <summary>
    /// Validates an API-format graph. Converts constants in place (INT/FLOAT/STRING/BOOLEAN), as ComfyUI does,
    /// so the caller stores the converted graph.
    /// </summary>
    public ValidationResult Validate(JsonObject prompt, IReadOnlyCollection<string>? partialExecutionTargets) =>
        throw new NotImplementedException("H1");
}

/// <param name="Ok">True when at least one output passed (the prompt is queued).</param>
/// <param name="Error">The top-level <c>error</c> object when not ok; null when ok.</param>
/// <param name="GoodOutputs">Output node ids that passed (outputs_to_execute).</param>
/// <param name="NodeErrors">The <c>node_errors</c> object (may be non-empty even when ok: partial success).</param>
public sealed record ValidationResult(bool Ok, JsonObject? Error, IReadOnlyList<string> GoodOutputs, JsonObject NodeErrors);
