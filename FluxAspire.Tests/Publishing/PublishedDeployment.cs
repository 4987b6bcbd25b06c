using System.Text.Json.Nodes;

namespace FluxAspire.Tests.Publishing;

/// <summary>The files manifest publishing wrote into one output folder, read back.</summary>
public sealed class PublishedDeployment(string directory)
{
    public string Directory { get; } = directory;

    public string ManifestPath => Path.Combine(Directory, "aspire-manifest.json");

    public string ComposeText => File.ReadAllText(Path.Combine(Directory, "docker-compose.yml"));

    public string SaladText => File.ReadAllText(Path.Combine(Directory, "salad-container-group.json"));

    public string EnvExampleText => File.ReadAllText(Path.Combine(Directory, ".env.example"));

    public string SaladScriptPath => Path.Combine(Directory, "salad-deploy.sh");

    public JsonNode Manifest => JsonNode.Parse(File.ReadAllText(ManifestPath))!;

    public JsonNode Compose => ComposeYaml.Parse(ComposeText);

    public JsonNode Salad => JsonNode.Parse(SaladText)!;

    public JsonObject ComposeService(string name) =>
        Compose["services"]?[name]?.AsObject() ?? throw new Xunit.Sdk.XunitException($"docker-compose.yml has no service '{name}':\n{ComposeText}");

    /// <summary>Every file written, concatenated: for "this never appears anywhere" checks.</summary>
    public string AllText => string.Join("\n", System.IO.Directory.GetFiles(Directory).Select(File.ReadAllText));
}
