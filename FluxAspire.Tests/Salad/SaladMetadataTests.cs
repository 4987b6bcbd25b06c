using System.Text.Json.Nodes;
using FluxAspire.Tests.Api.Outbound;
using FluxAspire.Tests.JobsApi;
using FluxAspire.Tests.Supervisor;

namespace FluxAspire.Tests.Salad;

/// <summary>
/// The API on a (pretend) SaladCloud node: SALAD_MACHINE_ID set and Salad:MetadataUrl at a stand-in metadata service on
/// loopback that records every call. Deletion cost follows the replica's jobs; reallocation is asked when the node cannot
/// run ComfyUI; nothing is sent off Salad; a failing metadata service never hurts the jobs.
/// </summary>
public sealed class SaladMetadataTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static Dictionary<string, string> OnSalad(LocalReceiver metadata, params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string>
        {
            ["SALAD_MACHINE_ID"] = "test-node-1",
            ["SALAD_CONTAINER_GROUP_NAME"] = "fluxaspire-tests",
            ["Salad__MetadataUrl"] = metadata.BaseAddress.ToString(),
            ["Salad__DeletionCostInterval"] = "00:00:00.200",
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static int Cost(ReceivedRequest put) => JsonNode.Parse(put.BodyText)!["deletion_cost"]!.GetValue<int>();

    [Fact]
    public async Task Deletion_cost_follows_queued_and_running_jobs_on_change_at_most_once_per_interval()
    {
        await using var metadata = await LocalReceiver.StartAsync();
        await using var simulator = await SimulatorProcess.StartAsync("--step-ms", "100");
        await using var api = await ApiProcess.StartAsync(simulator.BaseAddress, OnSalad(metadata));
        var jobs = new JobsClient(api.CreateClient());

        var first = (await metadata.WaitForAsync("/v1/deletion-cost", 1, Patience))[0];
        Assert.Equal("PUT", first.Method);
        Assert.Equal("true", first.Header("Metadata"));
        Assert.Equal("""{"deletion_cost":0}""", first.BodyText);

        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var submitted = await jobs.SubmitAsync(new JsonObject
            {
                ["workflow"] = "text2img",
                ["input"] = new JsonObject { ["prompt"] = $"cost {i}", ["width"] = 256, ["height"] = 256, ["steps"] = 10 },
            });
            Assert.Equal(HttpStatusCode.Accepted, submitted.Status);
            ids.Add(submitted.Body["id"]!.GetValue<string>());
        }

        await Eventually.UntilAsync(() => metadata.ReceivedAt("/v1/deletion-cost").Any(r => Cost(r) >= 2), Patience,
            () => "a deletion cost of 2 or more while 3 jobs are queued or running; got " + Costs(metadata));
        foreach (var id in ids)
        {
            await jobs.WaitForStatusAsync(id, "succeeded", Patience);
        }

        await Eventually.UntilAsync(() => Cost(metadata.ReceivedAt("/v1/deletion-cost")[^1]) == 0, Patience,
            () => "the deletion cost back at 0 once the jobs ended; got " + Costs(metadata));

        var puts = metadata.ReceivedAt("/v1/deletion-cost");
        for (var i = 1; i < puts.Count; i++)
        {
            Assert.NotEqual(Cost(puts[i - 1]), Cost(puts[i]));
            // Salad:DeletionCostInterval is 200 ms; the receiver's clock stamps arrival, so allow scheduling jitter.
            Assert.True(puts[i].At - puts[i - 1].At >= TimeSpan.FromMilliseconds(150), "updates closer than the interval: " + Costs(metadata));
        }

        Assert.Empty(metadata.ReceivedAt("/v1/reallocate"));
    }

    [Fact]
    public async Task Off_salad_nothing_is_sent_to_the_metadata_service()
    {
        await using var metadata = await LocalReceiver.StartAsync();
        await using var simulator = await SimulatorProcess.StartAsync("--step-ms", "5");
        var settings = OnSalad(metadata);
        settings.Remove("SALAD_MACHINE_ID");
        await using var api = await ApiProcess.StartAsync(simulator.BaseAddress, settings);
        var jobs = new JobsClient(api.CreateClient());

        var submitted = await jobs.SubmitAsync("""{"workflow": "text2img", "input": {"prompt": "off salad", "width": 256, "height": 256, "steps": 2}}""");
        await jobs.WaitForStatusAsync(submitted.Body["id"]!.GetValue<string>(), "succeeded", Patience);

        // On Salad the first update goes out at start, long before a job has run and ended.
        Assert.Empty(metadata.ReceivedAt("/"));
    }

    [Fact]
    public async Task A_failing_metadata_service_is_logged_once_and_never_stops_jobs_then_the_cost_is_sent_again()
    {
        await using var metadata = await LocalReceiver.StartAsync();
        var failing = true;
        metadata.RespondAt("/v1/deletion-cost", (_, _, context) =>
        {
            context.Response.StatusCode = Volatile.Read(ref failing) ? 500 : 200;
            return Task.CompletedTask;
        });
        await using var simulator = await SimulatorProcess.StartAsync("--step-ms", "5");
        await using var api = await ApiProcess.StartAsync(simulator.BaseAddress, OnSalad(metadata));
        var jobs = new JobsClient(api.CreateClient());

        await metadata.WaitForAsync("/v1/deletion-cost", 3, Patience);
        var submitted = await jobs.SubmitAsync("""{"workflow": "text2img", "input": {"prompt": "salad down", "width": 256, "height": 256, "steps": 2}}""");
        await jobs.WaitForStatusAsync(submitted.Body["id"]!.GetValue<string>(), "succeeded", Patience);

        Volatile.Write(ref failing, false);
        await Eventually.UntilAsync(() => api.Log.Contains("Salad's deletion cost is set again (0)", StringComparison.Ordinal), Patience,
            () => "the recovery log line; log:\n" + api.Log);
        var failures = api.Log.Split('\n').Count(l => l.Contains("Could not set Salad's deletion cost to 0", StringComparison.Ordinal));
        Assert.Equal(1, failures);
        Assert.Contains("answered 500", api.Log);
    }

    [Fact]
    public async Task Supervised_child_that_never_answers_asks_salad_for_another_node_once_after_the_configured_failed_starts()
    {
        await using var metadata = await LocalReceiver.StartAsync();
        await using var supervised = await SupervisedApi.StartWithCommandAsync("sh", ["-c", "exit 3"], OnSalad(metadata,
            ("Salad__ReallocateAfterFailedStarts", "2"), ("Salad__ReallocateWithoutGpu", "false"),
            ("ComfyUI__Launch__RestartMinDelay", "00:00:00.050"), ("ComfyUI__Launch__RestartMaxDelay", "00:00:00.100")));

        var reallocate = (await metadata.WaitForAsync("/v1/reallocate", 1, Patience))[0];
        Assert.Equal("POST", reallocate.Method);
        Assert.Equal("true", reallocate.Header("Metadata"));
        var reason = JsonNode.Parse(reallocate.BodyText)!["reason"]!.GetValue<string>();
        Assert.Equal("ComfyUI failed to start 2 times in a row, last: exited with code 3 before answering", reason);

        // Supervision goes on; later failed starts do not ask again.
        var starts = supervised.ChildPids.Count;
        await Eventually.UntilAsync(() => supervised.ChildPids.Count >= starts + 3, Patience, "three more starts after the reallocation");
        Assert.Single(metadata.ReceivedAt("/v1/reallocate"));
        Assert.Contains("Node test-node-1 cannot run ComfyUI (ComfyUI failed to start 2 times in a row", supervised.Api.Log);
    }

    [Fact]
    public async Task No_gpu_visible_at_start_asks_salad_for_another_node_and_the_child_still_runs()
    {
        await using var metadata = await LocalReceiver.StartAsync();
        using var commands = new StandInCommands();
        commands.Script("nvidia-smi", "echo 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.' >&2; exit 9");
        await using var supervised = await SupervisedApi.StartWithSimulatorAsync(OnSalad(metadata,
            ("Salad__GpuListCommand", Path.Combine(commands.Folder, "nvidia-smi"))));

        var reallocate = (await metadata.WaitForAsync("/v1/reallocate", 1, Patience))[0];
        var reason = JsonNode.Parse(reallocate.BodyText)!["reason"]!.GetValue<string>();
        Assert.StartsWith("no GPU visible: ", reason);
        Assert.EndsWith("-L exited with code 9: NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.", reason);
        await supervised.WaitForReadyAsync(HttpStatusCode.OK, Patience);
    }

    [Fact]
    public async Task A_visible_gpu_is_logged_and_no_reallocation_is_asked()
    {
        await using var metadata = await LocalReceiver.StartAsync();
        using var commands = new StandInCommands();
        commands.Script("nvidia-smi", "[ \"$1\" = \"-L\" ] || exit 2; echo 'GPU 0: NVIDIA GeForce RTX 4090 (UUID: GPU-0b1c)'");
        await using var supervised = await SupervisedApi.StartWithSimulatorAsync(OnSalad(metadata,
            ("Salad__GpuListCommand", Path.Combine(commands.Folder, "nvidia-smi"))));

        await supervised.WaitForReadyAsync(HttpStatusCode.OK, Patience);
        Assert.Contains("GPUs visible on this node: GPU 0: NVIDIA GeForce RTX 4090 (UUID: GPU-0b1c)", supervised.Api.Log);
        await metadata.WaitForAsync("/v1/deletion-cost", 1, Patience);
        Assert.Empty(metadata.ReceivedAt("/v1/reallocate"));
    }

    private static string Costs(LocalReceiver metadata) =>
        string.Join(", ", metadata.ReceivedAt("/v1/deletion-cost").Select(r => $"{Cost(r)}@{r.At:HH:mm:ss.fff}"));
}
