using FluxAspire.Api.Pipeline.Comfy;

namespace FluxAspire.Tests.JobsApi;

public class ComfyProgressTests
{
    [Fact]
    public void Progress_comes_from_progress_messages_only()
    {
        var progress = ComfyMessage.TryParse("""{"type": "progress", "data": {"value": 3, "max": 20, "prompt_id": "p", "node": "31"}}""", DateTimeOffset.UtcNow)!;
        var numericNode = ComfyMessage.TryParse("""{"type": "progress", "data": {"value": 1, "max": 4, "prompt_id": "p", "node": 13}}""", DateTimeOffset.UtcNow)!;
        var state = ComfyMessage.TryParse("""{"type": "progress_state", "data": {"prompt_id": "p", "nodes": {}}}""", DateTimeOffset.UtcNow)!;
        var broken = ComfyMessage.TryParse("""{"type": "progress", "data": {"value": "3", "max": 20}}""", DateTimeOffset.UtcNow)!;

        Assert.Equal(new ComfyProgress(3, 20, "31"), ComfyProgress.From(progress));
        Assert.Equal(new ComfyProgress(1, 4, "13"), ComfyProgress.From(numericNode));
        Assert.Null(ComfyProgress.From(state));
        Assert.Null(ComfyProgress.From(broken));
    }
}
