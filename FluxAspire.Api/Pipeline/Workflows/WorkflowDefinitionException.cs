
namespace FluxAspire.Api.Pipeline.Workflows;

/// <summary>A workflow definition that cannot be served; the message names the file and the problem.</summary>
public sealed class WorkflowDefinitionException(string file, string problem)
    : Exception($"Workflow definition '{file}' is invalid: {problem}")
{
    public string File { get; } = file;

    public string Problem { get; } = problem;
}
