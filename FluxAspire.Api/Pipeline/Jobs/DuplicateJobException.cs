namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>A job with this id is already known; ComfyUI would mix up two prompts with one id.</summary>
public sealed class DuplicateJobException(string id) : Exception($"a job with id '{id}' already exists")
{
    public string Id { get; } = id;
}
