namespace FluxAspire.Api.Endpoints.Playground;

/// <summary>The <c>Playground</c> configuration section.</summary>
public sealed class PlaygroundOptions
{
    public const string SectionName = "Playground";

    /// <summary>Serve the playground page at /playground (and redirect / to it). Off: both are 404.</summary>
    public bool Enabled { get; set; } = true;
}
