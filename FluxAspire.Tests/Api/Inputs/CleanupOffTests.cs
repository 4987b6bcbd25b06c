using FluxAspire.Tests.Infrastructure;

namespace FluxAspire.Tests.Api.Inputs;

public sealed class CleanupOffTests
{
    [Fact]
    public async Task Without_comfyui_folders_the_api_says_once_at_start_up_that_cleanup_is_off()
    {
        // No ComfyUI is needed to start: /alive answers without it.
        await using var api = await ApiProcess.StartAsync(new Uri($"http://127.0.0.1:{FreePort.Next()}"), waitForReady: false);

        const string line = "Cleanup is off: ComfyUI:InputDirectory and ComfyUI:OutputDirectory are not set";
        var log = api.Log;
        Assert.Contains(line, log);
        Assert.Equal(log.IndexOf(line, StringComparison.Ordinal), log.LastIndexOf(line, StringComparison.Ordinal));
    }
}
