using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FluxAspire.Tests.Publishing;

/// <summary>
/// Reads docker-compose.yml with YamlDotNet into JSON nodes, so tests can walk it like the Salad JSON. Scalars stay
/// strings. A file that is not YAML, holds more than one document, or has a key without a value (which Compose's
/// writer never writes) throws <see cref="FormatException"/>, so an odd file fails the test instead of being half-read.
/// </summary>
internal static class ComposeYaml
{
    public static JsonNode Parse(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new FormatException($"not YAML: {ex.Message}", ex);
        }

        return stream.Documents.Count == 1
            ? ToJson(stream.Documents[0].RootNode)
            : throw new FormatException($"expected one YAML document, found {stream.Documents.Count}");
    }

    private static JsonNode ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(pair => KeyValuePair.Create(Key(pair.Key), (JsonNode?)ToJson(pair.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(ToJson)]),
        YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" } => throw new FormatException($"a value is missing at {node.Start}"),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value ?? ""),
        _ => throw new FormatException($"unexpected YAML node {node.NodeType} at {node.Start}"),
    };

    private static string Key(YamlNode key) =>
        key is YamlScalarNode { Value: { Length: > 0 } name } ? name : throw new FormatException($"a key that is not a plain name at {key.Start}");
}
