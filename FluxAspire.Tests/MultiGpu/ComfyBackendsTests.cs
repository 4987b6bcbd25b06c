using System.Text.Json.Nodes;
using FluxAspire.Tests.JobsApi;

namespace FluxAspire.Tests.MultiGpu;

/// <summary>
/// Several simulators (one per pretend GPU) behind one API process through ComfyUI:Backends: /ready lists each, jobs
/// spread by free slots (a slow backend takes fewer), and a backend killed mid-job costs the job time, not its result.
/// Which backend ran a job is read from the simulators themselves (their /history) and from /ready's counters.
/// </summary>
public sealed class ComfyBackendsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private static async Task<ApiProcess> StartApiAsync(IReadOnlyList<SimulatorProcess> simulators, params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string>
        {
            ["ComfyUI__InputDirectory"] = simulators[0].InputDirectory,
            ["ComfyUI__OutputDirectory"] = simulators[0].OutputDirectory,
            ["Warmup__RetryDelay"] = "00:00:00.200",
        };
        for (var i = 1; i < simulators.Count; i++)
        {
            settings[$"ComfyUI__Backends__{i - 1}"] = simulators[i].BaseAddress.ToString();
            settings[$"ComfyUI__Backends__{i - 1}__InputDirectory"] = simulators[i].InputDirectory;
            settings[$"ComfyUI__Backends__{i - 1}__OutputDirectory"] = simulators[i].OutputDirectory;
        }

        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return await ApiProcess.StartAsync(simulators[0].BaseAddress, settings);
    }

    private static async Task<SimulatorProcess[]> StartSimulatorsAsync(params int[] stepMs) =>
        await Task.WhenAll(stepMs.Select(ms => SimulatorProcess.StartAsync("--step-ms", ms.ToString())));

    private static async Task<JsonObject> ReadyAsync(ApiProcess api)
    {
        using var http = api.CreateClient();
        using var response = await http.GetAsync("/ready");
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    /// <summary>The job ids (not warmups) each simulator ran, from its own /history.</summary>
    private static async Task<HashSet<string>> RanOnAsync(SimulatorProcess simulator, IEnumerable<string> ids)
    {
        using var http = simulator.CreateClient();
        var history = JsonNode.Parse(await http.GetStringAsync("/history?max_items=1000"))!.AsObject();
        return ids.Where(history.ContainsKey).ToHashSet();
    }

    private static async Task<List<string>> SubmitAsync(JobsClient jobs, int count, int steps)
    {
        var submitted = await Task.WhenAll(Enumerable.Range(0, count).Select(i => jobs.SubmitAsync(new JsonObject
        {
            ["workflow"] = "text2img",
            ["input"] = new JsonObject { ["prompt"] = $"gpu spread {i}", ["width"] = 256, ["height"] = 256, ["steps"] = steps, ["seed"] = i },
        })));
        Assert.All(submitted, s => Assert.Equal(HttpStatusCode.Accepted, s.Status));
        return submitted.Select(s => s.Body["id"]!.GetValue<string>()).ToList();
    }

    [Fact]
    public async Task Two_backends_are_listed_in_ready_and_a_burst_runs_on_both()
    {
        var simulators = await StartSimulatorsAsync(20, 20);
        try
        {
            await using var api = await StartApiAsync(simulators);
            // Ready as soon as one backend is; the other finishes its own warmup.
            var ready = await ReadyAsync(api);
            Assert.Equal("ready", (string?)ready["status"]);
            await Eventually.UntilAsync(async () => (ready = await ReadyAsync(api))["backends"]!.AsArray().All(b => (bool)b!["ready"]!), Patience,
                () => "both backends ready: " + ready.ToJsonString());
            var listed = ready["backends"]!.AsArray();
            Assert.Equal(["comfyui", "comfyui-1"], listed.Select(b => (string)b!["name"]!));
            Assert.All(listed, b => Assert.True((bool)b!["ready"]!));
            Assert.All(listed, b => Assert.Equal(2, (int)b!["slots"]!));

            var jobs = new JobsClient(api.CreateClient());
            var ids = await SubmitAsync(jobs, 8, 10);
            var ranBy = new Dictionary<string, string>();
            foreach (var id in ids)
            {
                var done = await jobs.WaitForStatusAsync(id, "succeeded", Patience);
                ranBy[id] = (string)done["result"]!["backend"]!;
            }

            var first = await RanOnAsync(simulators[0], ids);
            var second = await RanOnAsync(simulators[1], ids);
            Assert.All(first, id => Assert.Equal("comfyui", ranBy[id]));
            Assert.All(second, id => Assert.Equal("comfyui-1", ranBy[id]));
            Assert.NotEmpty(first);
            Assert.NotEmpty(second);
            Assert.Empty(first.Intersect(second));
            Assert.Equal(ids.Order(), first.Union(second).Order());
            // Each backend ran its own warmup, so the counters include one more each.
            var after = (await ReadyAsync(api))["backends"]!.AsArray();
            Assert.True(first.Count + 1 == (long)after[0]!["completed"]! && second.Count + 1 == (long)after[1]!["completed"]!,
                $"ran {first.Count} / {second.Count} (+1 warmup each), /ready says {after.ToJsonString()}");
        }
        finally
        {
            foreach (var simulator in simulators) await simulator.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_slow_backend_takes_fewer_jobs_and_four_backends_all_take_work()
    {
        var simulators = await StartSimulatorsAsync(10, 10, 10, 150);
        try
        {
            await using var api = await StartApiAsync(simulators);
            var jobs = new JobsClient(api.CreateClient());
            var ids = await SubmitAsync(jobs, 24, 10);
            foreach (var id in ids)
            {
                await jobs.WaitForStatusAsync(id, "succeeded", Patience);
            }

            var ran = await Task.WhenAll(simulators.Select(s => RanOnAsync(s, ids)));
            Assert.Equal(ids.Count, ran.Sum(r => r.Count));
            Assert.All(ran, r => Assert.NotEmpty(r));
            // 150 ms per step against 10: the slow one frees its slots far less often.
            Assert.True(ran[3].Count < ran[..3].Min(r => r.Count), string.Join(" / ", ran.Select(r => r.Count)));
        }
        finally
        {
            foreach (var simulator in simulators) await simulator.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_backend_killed_mid_job_hands_the_job_to_the_other_and_the_client_sees_success()
    {
        var simulators = await StartSimulatorsAsync(100, 100);
        try
        {
            await using var api = await StartApiAsync(simulators, ("ComfyUI__UnreachableGracePeriod", "00:00:01"));
            var jobs = new JobsClient(api.CreateClient());
            var id = (await SubmitAsync(jobs, 1, 30))[0];
            await jobs.WaitAsync(id, job => job["progress"] is JsonObject, Patience);

            // The simulator whose queue runs the job dies with it.
            SimulatorProcess? victim = null;
            await Eventually.UntilAsync(async () =>
            {
                foreach (var simulator in simulators)
                {
                    using var http = simulator.CreateClient();
                    if ((await http.GetStringAsync("/queue")).Contains(id, StringComparison.Ordinal))
                    {
                        victim = simulator;
                        return true;
                    }
                }

                return false;
            }, Patience, "the running job in one simulator's /queue");
            victim!.Kill();

            var done = await jobs.WaitAsync(id, job => (string?)job["status"] is "succeeded" or "failed" or "canceled", Patience);
            Assert.Equal("succeeded", (string?)done["status"]);
            var survivor = simulators.Single(s => s != victim);
            Assert.Contains(id, await RanOnAsync(survivor, [id]));
            Assert.Contains($"Job {id}: ComfyUI backend", api.Log);
            Assert.Contains("running it again on", api.Log);

            // One backend down: still ready, and new work runs on the other.
            var ready = await ReadyAsync(api);
            Assert.Equal("ready", (string?)ready["status"]);
            var next = (await SubmitAsync(jobs, 1, 2))[0];
            await jobs.WaitForStatusAsync(next, "succeeded", Patience);
        }
        finally
        {
            foreach (var simulator in simulators) await simulator.DisposeAsync();
        }
    }
}
