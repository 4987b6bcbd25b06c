namespace FluxAspire.Api.Operations.Supervisor;

/// <summary>How one run of the ComfyUI child ended, and how long it had answered /system_stats (restarts back off less
/// after a long, stable run).</summary>
internal readonly record struct SupervisedRun(string Description, TimeSpan AnsweredFor);
