using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace FluxAspire.Tests.ComfyHost;

/// <summary>The dashboard commands, executed against a real simulator process (one for the class).</summary>
public sealed class ComfyUICommandTests(ComfyUICommandTests.Simulator simulator) : IClassFixture<ComfyUICommandTests.Simulator>
{
    [Fact]
    public async Task Interrupt_posts_a_global_interrupt()
    {
        var sim = simulator.Process;
        var comfyui = External(sim.BaseAddress);

        var result = await ExecuteAsync(comfyui, ComfyUICommandExtensions.InterruptCommandName);

        Assert.True(result.Success, result.Message);
        Assert.Equal("ComfyUI interrupted the running prompt, if any", result.Message);
        await WaitForAsync(() => sim.Log.Contains("Global interrupt (no prompt_id specified)"), sim);
    }

    [Fact]
    public async Task Free_memory_posts_unload_models_and_free_memory()
    {
        var sim = simulator.Process;
        var comfyui = External(sim.BaseAddress);

        var result = await ExecuteAsync(comfyui, ComfyUICommandExtensions.FreeMemoryCommandName);

        Assert.True(result.Success, result.Message);
        Assert.Equal("ComfyUI unloaded its models and freed memory", result.Message);
        Assert.Equal("""{"unload_models":true,"free_memory":true}""", ComfyUICommandExtensions.FreeMemoryBody);
    }

    [Fact]
    public async Task A_comfyui_that_does_not_answer_makes_the_command_fail_with_the_reason()
    {
        var comfyui = External(new Uri($"http://127.0.0.1:{FreePort.Next()}/"));

        var result = await ExecuteAsync(comfyui, ComfyUICommandExtensions.InterruptCommandName);

        Assert.False(result.Success);
        Assert.StartsWith("POST /interrupt failed: ", result.Message);
    }

    [Fact]
    public async Task The_base_url_comes_from_the_connection_string_and_keeps_a_path_prefix()
    {
        var comfyui = External(new Uri("https://proxy.example/comfy"));

        Assert.Equal(new Uri("https://proxy.example/comfy/"), await ComfyUICommandExtensions.BaseUrlAsync(comfyui, CancellationToken.None));
    }

    private static ComfyUIExternalResource External(Uri url) =>
        DistributedApplication.CreateBuilder([]).AddExternalComfyUI("comfyui", url).WithComfyUICommands().Resource;

    private static async Task<ExecuteCommandResult> ExecuteAsync(IResource resource, string name)
    {
        var command = Assert.Single(resource.Annotations.OfType<ResourceCommandAnnotation>(), c => c.Name == name);
        await using var services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        return await command.ExecuteCommand(new ExecuteCommandContext
        {
            Services = services,
            ResourceName = resource.Name,
            CancellationToken = CancellationToken.None,
            Logger = NullLogger.Instance,
            Arguments = new InteractionInputCollection([]),
        });
    }

    private static async Task WaitForAsync(Func<bool> condition, SimulatorProcess sim)
    {
        await Eventually.TryUntilAsync(condition, TimeSpan.FromSeconds(5));
        Assert.True(condition(), sim.Log);
    }

    public sealed class Simulator : IAsyncLifetime
    {
        public SimulatorProcess Process { get; private set; } = null!;

        public async Task InitializeAsync() => Process = await SimulatorProcess.StartAsync();

        public async Task DisposeAsync() => await Process.DisposeAsync();
    }
}
