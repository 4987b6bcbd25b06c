using Aspire.Hosting;

namespace FluxAspire.Tests.ComfyHost;

/// <summary>The FluxAspire.ComfySim project, as the AppHost's generated <c>Projects.FluxAspire_ComfySim</c> describes it.</summary>
internal sealed class SimulatorProject : IProjectMetadata
{
    public string ProjectPath { get; } = Path.Combine(RepoPaths.Root, "FluxAspire.ComfySim", "FluxAspire.ComfySim.csproj");
}
