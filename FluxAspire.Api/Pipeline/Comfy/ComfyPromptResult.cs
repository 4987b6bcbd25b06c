namespace FluxAspire.Api.Pipeline.Comfy;

/// <summary>A prompt that ComfyUI ran to success: its history entry and timings.</summary>
public sealed record ComfyPromptResult(string PromptId, ComfyHistoryEntry History, ComfyExecutionTimeline Timeline);
