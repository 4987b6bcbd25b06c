using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FluxAspire.Tests.Api.Integration;
using FluxAspire.Tests.Supervisor;

namespace FluxAspire.Tests.MultiGpu;

/// <summary>
/// The one-image deployment on a multi-GPU node: ComfyUI:Launch:Instances=2 makes the API start two ComfyUI children
/// (simulators here), each on its own GPU (CUDA_VISIBLE_DEVICES), port and folders, and drive both as backends.
/// </summary>
public sealed class SupervisedInstancesTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Two_instances_run_on_their_own_gpu_and_port_and_both_take_work_and_a_killed_one_is_restarted_while_the_other_serves()
    {
        await using var supervised = await SupervisedApi.StartWithSimulatorsAsync(2);
        using var http = supervised.CreateClient();
        await Eventually.UntilAsync(() => supervised.ChildPids.Count == 2, Patience, () => supervised.Api.Log);
        var children = supervised.ChildPids;
        var portOf = children.ToDictionary(pid => pid, pid => ProcessTable.ArgumentsOf(pid).SkipWhile(a => a != "--port").ElementAt(1));
        var gpuOf = children.ToDictionary(pid => pid, pid => ProcessTable.EnvironmentOf(pid, "CUDA_VISIBLE_DEVICES"));
        Assert.Equal(
            [(supervised.ComfyPort.ToString(), "0"), ((supervised.ComfyPort + 1).ToString(), "1")],
            children.Select(pid => (portOf[pid], gpuOf[pid])).Order());
        Assert.All(children, pid => Assert.Contains(
            Path.Combine(Path.GetTempPath(), "supervised-comfysims-"), string.Join(' ', ProcessTable.ArgumentsOf(pid)), StringComparison.Ordinal));

        JsonObject ready = new();
        await Eventually.UntilAsync(async () => (ready = await ReadyAsync(http))["backends"]?.AsArray().All(b => (bool)b!["ready"]!) == true,
            Patience, () => "both instances ready: " + ready.ToJsonString());
        Assert.Equal(["comfyui", "comfyui-1"], ready["backends"]!.AsArray().Select(b => (string)b!["name"]!));

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => PromptAsync(http, i)));
        Assert.All(answers, status => Assert.Equal(HttpStatusCode.OK, status));
        var completed = (await ReadyAsync(http))["backends"]!.AsArray().Select(b => (long)b!["completed"]!).ToList();
        Assert.All(completed, count => Assert.True(count > 1, $"each instance ran jobs besides its warmup: {string.Join(", ", completed)}"));

        // The second child dies: the first keeps the API ready and serving while the second is restarted.
        var second = children.Single(pid => gpuOf[pid] == "1");
        ProcessTable.Signal(second, ProcessTable.SigKill);
        await supervised.WaitForLogAsync($"ComfyUI (pid {second}) exited with code 137", TimeSpan.FromSeconds(15));
        Assert.Equal(HttpStatusCode.OK, await PromptAsync(http, 100));
        using (var response = await http.GetAsync("/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await Eventually.UntilAsync(() => supervised.ChildPids.Count == 3, Patience, () => supervised.Api.Log);
        var restarted = supervised.ChildPids[^1];
        Assert.Equal("1", ProcessTable.EnvironmentOf(restarted, "CUDA_VISIBLE_DEVICES"));
        Assert.Equal((supervised.ComfyPort + 1).ToString(), ProcessTable.ArgumentsOf(restarted).SkipWhile(a => a != "--port").ElementAt(1));
        await Eventually.UntilAsync(async () => (ready = await ReadyAsync(http))["backends"]!.AsArray().All(b => (bool)b!["ready"]!),
            Patience, () => "the restarted instance ready again: " + ready.ToJsonString());
    }

    [Fact]
    public async Task Instances_with_backends_listed_too_stop_start_up_naming_both_keys()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => SupervisedApi.StartWithSimulatorsAsync(2, new Dictionary<string, string>
        {
            ["ComfyUI__Backends__0"] = "http://127.0.0.1:9",
        }));
        Assert.Contains("ComfyUI:Launch:Instances and ComfyUI:Backends cannot both be set", failure.Message);
    }

    private static async Task<JsonObject> ReadyAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/ready");
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    private static async Task<HttpStatusCode> PromptAsync(HttpClient http, int seed)
    {
        var graph = TestGraphs.Flux(256, 256, 4);
        using var response = await http.PostAsJsonAsync("/prompt", new JsonObject { ["prompt"] = graph, ["id"] = $"instances-{seed}-{Guid.NewGuid():N}" });
        return response.StatusCode;
    }
}
