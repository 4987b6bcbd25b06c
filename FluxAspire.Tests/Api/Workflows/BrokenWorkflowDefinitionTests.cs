namespace FluxAspire.Tests.Api.Workflows;

/// <summary>A broken definition stops start-up with the file and the problem in the log, rather than serving a
/// partial set of routes.</summary>
public class BrokenWorkflowDefinitionTests
{
    [Fact]
    public async Task The_API_refuses_to_start_and_names_the_file_and_the_problem()
    {
        var folder = Directory.CreateTempSubdirectory("flux-workflows-").FullName;
        try
        {
            var file = Path.Combine(folder, "broken.params.json");
            await File.WriteAllTextAsync(Path.Combine(folder, "broken.json"), CustomWorkflowFolder.PortraitGraph);
            await File.WriteAllTextAsync(file, """{"parameters": {"size": {"to": "99.inputs.width", "type": "integer"}}}""");

            var nobody = new Uri($"http://127.0.0.1:{FreePort.Next()}");
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
                ApiProcess.StartAsync(nobody, new Dictionary<string, string> { ["Workflows__Directory"] = folder }, waitForReady: false));

            Assert.StartsWith("the API exited with", error.Message);
            Assert.Contains($"Workflow definition '{file}' is invalid: parameters.size.to: the graph has no node '99'", error.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
