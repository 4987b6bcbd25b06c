namespace FluxAspire.Api.Operations.Supervisor;

/// <summary>How one run of the ComfyUI child ended, whether it ever answered /system_stats and for how long (restarts back
/// off less after a long, stable run; runs that never answered count towards asking Salad for another node).</summary>
internal readonly record struct SupervisedRun(string Description, TimeSpan AnsweredFor, bool Answered = false);
