using System.Xml.Linq;
using Aspire.Hosting.ApplicationModel;

namespace FluxAspire.AppHost.Publishing;

/// <summary>
/// The image <c>dotnet publish -t:PublishContainer</c> makes of a project: its ContainerRegistry, ContainerRepository
/// and ContainerImageTag properties, else the SDK's defaults (the lowercased assembly name, tag <c>latest</c>).
/// </summary>
internal static class ProjectImage
{
    public static string Of(ProjectResource project)
    {
        var path = project.GetProjectMetadata().ProjectPath;
        var properties = File.Exists(path)
            ? XDocument.Load(path).Descendants().Where(e => e.Parent?.Name.LocalName == "PropertyGroup")
                .GroupBy(e => e.Name.LocalName).ToDictionary(g => g.Key, g => g.Last().Value.Trim())
            : [];
        var repository = Property(properties, "ContainerRepository")
            ?? (Property(properties, "AssemblyName") ?? Path.GetFileNameWithoutExtension(path)).ToLowerInvariant();
        var tag = Property(properties, "ContainerImageTag")
            ?? Property(properties, "ContainerImageTags")?.Split(';', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()
            ?? "latest";
        var registry = Property(properties, "ContainerRegistry");
        return $"{(registry is null ? "" : registry.TrimEnd('/') + "/")}{repository}:{tag}";
    }

    // MSBuild expressions ($(Version)) cannot be evaluated here; those fall back to the defaults.
    private static string? Property(Dictionary<string, string> properties, string name) =>
        properties.TryGetValue(name, out var value) && value.Length > 0 && !value.Contains("$(", StringComparison.Ordinal) ? value : null;
}
