using System.Text.Json.Nodes;

namespace FluxAspire.Api.Pipeline.Comfy;

/// <summary>ComfyUI could not be reached (refused, reset, timed out).</summary>
public sealed class ComfyUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>ComfyUI answered, but not as the protocol says (unexpected status or body, a prompt it lost).</summary>
public sealed class ComfyProtocolException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>POST /prompt answered 400: the body carries "error" and "node_errors".</summary>
public sealed class ComfyPromptRejectedException(JsonObject body)
    : Exception("ComfyUI rejected the prompt: " + (ComfyValues.AsString(body["error"]?["message"]) ?? "validation failed"))
{
    public JsonObject Body { get; } = body;
}

/// <summary>The prompt ran and a node failed: the execution_error data.</summary>
public sealed class ComfyExecutionException(JsonObject error)
    : Exception($"{ComfyValues.AsString(error["node_type"])} (node {ComfyValues.AsString(error["node_id"])}) failed: " +
        $"{ComfyValues.AsString(error["exception_type"])}: {ComfyValues.AsString(error["exception_message"])?.TrimEnd()}")
{
    public JsonObject Error { get; } = error;
}

/// <summary>The prompt was interrupted (POST /interrupt) before it finished.</summary>
public sealed class ComfyInterruptedException(JsonObject? data)
    : Exception("ComfyUI interrupted the prompt" + (data?["node_id"] is { } node ? $" at node {ComfyValues.AsString(node)}" : ""))
{
    public JsonObject? Interruption { get; } = data;
}
