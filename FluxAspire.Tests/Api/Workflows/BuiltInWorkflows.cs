using FluxAspire.Api.Pipeline.Workflows;

namespace FluxAspire.Tests.Api.Workflows;

/// <summary>The built-in definitions as the API loads them, from its build output's workflows/ folder.</summary>
internal static class BuiltInWorkflows
{
    public static string Directory => Path.Combine(Path.GetDirectoryName(RepoPaths.ProjectOutput("FluxAspire.Api", "FluxAspire.Api.dll"))!, "workflows");

    public static WorkflowDefinition Get(string route) => WorkflowLibrary.Load(Directory, null).Definitions.Single(d => d.Route == route);
}
