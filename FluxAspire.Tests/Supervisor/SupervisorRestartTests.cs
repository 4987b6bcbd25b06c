using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FluxAspire.Tests.Api.Integration;

namespace FluxAspire.Tests.Supervisor;

/// <summary>One API whose ComfyUI (the simulator) is its child; each test takes it down its own way. A 1 s first
/// restart delay keeps the "down" state long enough to be seen through /ready.</summary>
public sealed class SupervisedSimulatorFixture : IAsyncLifetime
{
    public SupervisedApi Supervised { get; private set; } = null!;

    public async Task InitializeAsync() => Supervised = await SupervisedApi.StartWithSimulatorAsync(new Dictionary<string, string>
    {
        ["ComfyUI__Launch__RestartMinDelay"] = "00:00:01",
        ["ComfyUI__Launch__RestartMaxDelay"] = "00:00:02",
    });

    public async Task DisposeAsync()
    {
        if (Supervised is not null) await Supervised.DisposeAsync();
    }
}

public sealed class SupervisorRestartTests(SupervisedSimulatorFixture fixture) : IClassFixture<SupervisedSimulatorFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);
    private readonly SupervisedApi _api = fixture.Supervised;

    [Fact]
    public async Task Killed_child_makes_ready_503_until_it_is_restarted_and_warm_then_prompts_run_again()
    {
        await _api.WaitForReadyAsync(HttpStatusCode.OK, Patience);
        var (victim, starts) = (_api.CurrentChild, _api.ChildPids.Count);

        ProcessTable.Signal(victim, ProcessTable.SigKill);
        var reasons = await _api.WaitForReadyAsync(HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(10));
        reasons.AddRange(await _api.WaitForReadyAsync(HttpStatusCode.OK, Patience));

        Assert.Contains(reasons, r => Regex.IsMatch(r, $@"^ComfyUI process is down \(exited with code 137; restart {starts} in [01]\.\d s\)$"));
        Assert.Contains($"ComfyUI (pid {victim}) exited with code 137", _api.Api.Log);
        Assert.Equal(starts + 1, _api.ChildPids.Count);
        Assert.True(ProcessTable.IsGone(victim));
        Assert.False(ProcessTable.IsGone(_api.CurrentChild));
        Assert.Contains($"ComfyUI (pid {_api.CurrentChild}) answers /system_stats", _api.Api.Log);

        using var http = _api.CreateClient();
        using var response = await http.PostAsJsonAsync("/prompt", new JsonObject { ["prompt"] = TestGraphs.Flux(256, 256, 2) });
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(body["images"]!.AsArray());
    }

    [Fact]
    public async Task Child_that_exits_with_code_0_is_restarted_too()
    {
        await _api.WaitForReadyAsync(HttpStatusCode.OK, Patience);
        var (leaver, starts) = (_api.CurrentChild, _api.ChildPids.Count);
        using var comfy = _api.CreateComfyClient();
        // The warm child reaches any node within microseconds of queueing, so it could exit before /prompt's answer is
        // written; the stall holds the job at KSampler until that answer is in, and the exit comes at the next node.
        using var fault = await comfy.PostAsJsonAsync("/sim/faults", JsonNode.Parse(
            """{"stall": {"class_type": "KSampler"}, "exit_process": {"class_type": "VAEDecode", "exit_code": 0}}"""));
        Assert.Equal(HttpStatusCode.OK, fault.StatusCode);

        using var queued = await comfy.PostAsJsonAsync("/prompt", new JsonObject { ["prompt"] = TestGraphs.Flux(256, 256, 2) });
        Assert.Equal(HttpStatusCode.OK, queued.StatusCode);
        using var released = await comfy.PostAsJsonAsync("/sim/faults", JsonNode.Parse("""{"stall": null}"""));
        Assert.Equal(HttpStatusCode.OK, released.StatusCode);
        await _api.WaitForLogAsync($"ComfyUI (pid {leaver}) exited with code 0", TimeSpan.FromSeconds(15));
        var reasons = await _api.WaitForReadyAsync(HttpStatusCode.OK, Patience);

        Assert.Contains($"ComfyUI process is down (exited with code 0); restart {starts} in ", _api.Api.Log);
        Assert.Contains(reasons, r => r.StartsWith("ComfyUI process is ", StringComparison.Ordinal));
        Assert.Equal(starts + 1, _api.ChildPids.Count);
        Assert.True(ProcessTable.IsGone(leaver));
        Assert.Equal("{}", await comfy.GetStringAsync("/sim/faults")); // a new process, without the old one's fault
    }
}
