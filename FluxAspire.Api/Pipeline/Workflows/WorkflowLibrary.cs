
namespace FluxAspire.Api.Pipeline.Workflows;

/// <summary>
/// Every workflow endpoint, read once at start-up: the built-ins shipped in the app's workflows/ folder, then the
/// custom folder (a custom definition with a built-in's route replaces it). Sub-folders form the route:
/// sdxl/txt2img.json + sdxl/txt2img.params.json serve POST /workflow/sdxl/txt2img. Any broken file stops start-up
/// with a <see cref="WorkflowDefinitionException"/> naming it: a half-loaded API would silently 404 a client's route.
/// </summary>
public sealed class WorkflowLibrary(IReadOnlyList<WorkflowDefinition> definitions, WorkflowDefinition recipe)
{
    public const string ParamsSuffix = ".params.json";

    /// <summary>The built-in definition of the recipe's FLUX graph (workflows/text2img.json).</summary>
    public const string RecipeRoute = "text2img";

    public IReadOnlyList<WorkflowDefinition> Definitions { get; } = definitions;

    /// <summary>The built-in text2img as shipped, even where a custom definition replaces its route: warmup and the
    /// /prompt example run the recipe's own graph, the only copy of it.</summary>
    public WorkflowDefinition Recipe { get; } = recipe;

    /// <summary>Every ComfyUI combo the definitions take their enums from, read at warmup.</summary>
    public IReadOnlyList<ComfyChoiceSource> ChoiceSources { get; } =
        definitions.SelectMany(d => d.Parameters).Select(p => p.ChoicesSource).OfType<ComfyChoiceSource>().Distinct().ToList();

    public static WorkflowLibrary Load(string builtInDirectory, string? customDirectory)
    {
        var byRoute = new Dictionary<string, WorkflowDefinition>(StringComparer.Ordinal);
        foreach (var definition in ReadFolder(builtInDirectory))
        {
            byRoute[definition.Route] = definition;
        }

        if (!byRoute.TryGetValue(RecipeRoute, out var recipe))
        {
            throw new WorkflowDefinitionException(Path.Combine(builtInDirectory, RecipeRoute + ParamsSuffix), "the built-in recipe definition is missing");
        }

        if (customDirectory is not null && !SamePath(customDirectory, builtInDirectory))
        {
            foreach (var definition in ReadFolder(customDirectory))
            {
                byRoute[definition.Route] = definition;
            }
        }

        var names = byRoute.Values.GroupBy(d => d.SchemaName, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (names is not null)
        {
            var clash = names.ToList();
            throw new WorkflowDefinitionException(clash[1].Source, $"schema_name '{names.Key}' is also used by '{clash[0].Source}'; set a different schema_name");
        }

        return new WorkflowLibrary(byRoute.Values.OrderBy(d => d.Route, StringComparer.Ordinal).ToList(), recipe);
    }

    public static IEnumerable<WorkflowDefinition> ReadFolder(string directory)
    {
        if (!Directory.Exists(directory))
        {
            yield break;
        }

        var files = Directory.EnumerateFiles(directory, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        foreach (var graphFile in files.Where(f => !f.EndsWith(ParamsSuffix, StringComparison.OrdinalIgnoreCase)))
        {
            var paramsFile = graphFile[..^".json".Length] + ParamsSuffix;
            if (!File.Exists(paramsFile))
            {
                throw new WorkflowDefinitionException(graphFile, $"no parameter map next to it (expected '{Path.GetFileName(paramsFile)}')");
            }
        }

        foreach (var paramsFile in files.Where(f => f.EndsWith(ParamsSuffix, StringComparison.OrdinalIgnoreCase)))
        {
            var graphFile = paramsFile[..^ParamsSuffix.Length] + ".json";
            if (!File.Exists(graphFile))
            {
                throw new WorkflowDefinitionException(paramsFile, $"no graph next to it (expected '{Path.GetFileName(graphFile)}', ComfyUI's API format)");
            }

            var route = Path.GetRelativePath(directory, paramsFile[..^ParamsSuffix.Length]).Replace(Path.DirectorySeparatorChar, '/');
            if (route.Split('/').Any(segment => segment.Length == 0 || !segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
            {
                throw new WorkflowDefinitionException(paramsFile, $"route '{route}' must be letters, digits, '-', '_' or '.' in each folder and file name");
            }

            yield return WorkflowDefinitionReader.Read(route, paramsFile, graphFile);
        }
    }

    private static bool SamePath(string a, string b) =>
        string.Equals(Path.GetFullPath(a).TrimEnd(Path.DirectorySeparatorChar), Path.GetFullPath(b).TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal);
}
