using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FluxAspire.Tests.Api.Inputs;
using FluxAspire.Tests.Api.Integration;

namespace FluxAspire.Tests.Caching;

/// <summary>
/// The result cache through the real API and simulator processes (in-process store). A hit is proven not to reach
/// ComfyUI: the simulator's history gains no entry, knows nothing of the hit's id, and a node fault that would fail any
/// run is in place while the hit is served. The tests of a class run one after another, so the faults stay theirs; each
/// uses its own seed so entries of one test are not hits in another.
/// </summary>
public sealed class ResultCacheApiTests(CacheApiFixture env) : IClassFixture<CacheApiFixture>, IAsyncLifetime
{
    private readonly HttpClient _http = env.Api.CreateClient();
    private readonly HttpClient _sim = env.Simulator.CreateClient();

    public Task InitializeAsync() => _sim.DeleteAsync("/sim/faults");

    public Task DisposeAsync() => _sim.DeleteAsync("/sim/faults");

    private static JsonObject Prompt(string id, ulong seed, int size = 256) =>
        new() { ["id"] = id, ["prompt"] = TestGraphs.Flux(width: size, height: size, seed: seed) };

    private static JsonObject Text2Img(string id, string input) =>
        new() { ["id"] = id, ["input"] = JsonNode.Parse(input) };

    /// <summary>Any run on ComfyUI from now on fails at the sampler.</summary>
    private async Task FailEveryRunAsync()
    {
        using var fault = await _sim.PostAsJsonAsync("/sim/faults", JsonNode.Parse("""{"fail_node": {"class_type": "KSampler", "message": "a run reached ComfyUI"}}"""));
        fault.EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task The_same_prompt_again_is_a_hit_with_identical_bytes_that_never_reaches_ComfyUI()
    {
        var first = await _http.PostAsync("/prompt", Prompt("cache-miss-1", seed: 1001));
        Assert.Equal((HttpStatusCode.OK, "miss"), (first.Status, first.XCache));
        var runs = await _sim.HistoryCountAsync();
        await FailEveryRunAsync();

        // The same graph with its nodes and inputs in another order, under another id.
        var reordered = new JsonObject();
        foreach (var (nodeId, node) in TestGraphs.Flux(width: 256, height: 256, seed: 1001).Reverse())
        {
            reordered[nodeId] = new JsonObject { ["inputs"] = node!["inputs"]!.DeepClone(), ["class_type"] = node["class_type"]!.DeepClone() };
        }

        var second = await _http.PostAsync("/prompt", new JsonObject { ["prompt"] = reordered, ["id"] = "cache-hit-1" });

        Assert.Equal((HttpStatusCode.OK, "hit"), (second.Status, second.XCache));
        Assert.Equal(first.Images, second.Images);
        Assert.Equal(["cache-miss-1_ComfyUI_00001_.png"], first.Filenames);
        Assert.Equal(["cache-hit-1_ComfyUI_00001_.png"], second.Filenames);
        Assert.Equal("cache-hit-1", (string?)second.Body["id"]);
        Assert.Equal("cache-hit-1_ComfyUI", (string?)second.Body["prompt"]!["9"]!["inputs"]!["filename_prefix"]);
        Assert.Equal(runs, await _sim.HistoryCountAsync());
        Assert.False(await _sim.RanAsync("cache-hit-1"));

        // Same response shape; ComfyUI's timings are the original run's, and no round trip was made.
        JsonShape.AssertSameShape(first.Body, second.Body);
        Assert.Equal(first.Body["stats"]!["comfy_execution"]!.ToJsonString(), second.Body["stats"]!["comfy_execution"]!.ToJsonString());
        Assert.Equal(0.0, (double)second.Body["stats"]!["comfy_round_trip_time"]!);
        Assert.Equal(0.0, (double)second.Body["stats"]!["postprocess_time"]!);
    }

    [Fact]
    public async Task A_workflow_with_its_seed_given_is_cached_and_one_without_is_never()
    {
        const string input = """{"prompt": "a cached lighthouse", "width": 256, "height": 256, "steps": 2, "seed": 2002}""";
        var first = await _http.PostAsync("/workflow/text2img", Text2Img("wf-seed-1", input));
        var second = await _http.PostAsync("/workflow/text2img", Text2Img("wf-seed-2", input));

        Assert.Equal((HttpStatusCode.OK, "miss"), (first.Status, first.XCache));
        Assert.Equal((HttpStatusCode.OK, "hit"), (second.Status, second.XCache));
        Assert.Equal(first.Images, second.Images);
        Assert.Equal(2002, (int)second.Body["input"]!["seed"]!);
        Assert.Equal(["wf-seed-2_ComfyUI_00001_.png"], second.Filenames);
        Assert.False(await _sim.RanAsync("wf-seed-2"));
        JsonShape.AssertSameShape(first.Body, second.Body);

        const string noSeed = """{"prompt": "a cached lighthouse", "width": 256, "height": 256, "steps": 2}""";
        var runs = await _sim.HistoryCountAsync();
        var a = await _http.PostAsync("/workflow/text2img", Text2Img("wf-noseed-1", noSeed));
        var b = await _http.PostAsync("/workflow/text2img", Text2Img("wf-noseed-2", noSeed));

        Assert.Equal((HttpStatusCode.OK, "miss", HttpStatusCode.OK, "miss"), (a.Status, a.XCache, b.Status, b.XCache));
        Assert.Equal(runs + 2, await _sim.HistoryCountAsync());
    }

    [Fact]
    public async Task Cache_control_no_cache_runs_again_and_stores_the_fresh_result_no_store_neither_reads_nor_stores()
    {
        var first = await _http.PostAsync("/prompt", Prompt("nc-1", seed: 3003));
        var runs = await _sim.HistoryCountAsync();

        var bypass = await _http.PostAsync("/prompt", Prompt("nc-2", seed: 3003), cacheControl: "no-cache");

        Assert.Equal((HttpStatusCode.OK, "miss"), (first.Status, first.XCache));
        Assert.Equal((HttpStatusCode.OK, "miss"), (bypass.Status, bypass.XCache));
        Assert.True(await _sim.RanAsync("nc-2"));
        Assert.Equal(runs + 1, await _sim.HistoryCountAsync());

        // The bypassing request stored its own result: the next one is served with its file names' origin rewritten.
        await FailEveryRunAsync();
        var after = await _http.PostAsync("/prompt", Prompt("nc-3", seed: 3003));
        Assert.Equal((HttpStatusCode.OK, "hit"), (after.Status, after.XCache));
        Assert.Equal(["nc-3_ComfyUI_00001_.png"], after.Filenames);
        await _sim.DeleteAsync("/sim/faults");

        var unstored = await _http.PostAsync("/prompt", Prompt("ns-1", seed: 3004), cacheControl: "no-store");
        var next = await _http.PostAsync("/prompt", Prompt("ns-2", seed: 3004));
        Assert.Equal(("miss", "miss"), (unstored.XCache, next.XCache));
        Assert.True(await _sim.RanAsync("ns-2"));
    }

    [Fact]
    public async Task A_job_whose_seeded_graph_was_computed_is_born_succeeded_and_never_reaches_ComfyUI()
    {
        const string input = """{"prompt": "a cached job", "width": 256, "height": 256, "steps": 2, "seed": 7007}""";
        var jobs = new JobsApi.JobsClient(_http);
        var first = await _http.PostAsync("/jobs", new JsonObject { ["id"] = "job-miss-1", ["workflow"] = "text2img", ["input"] = JsonNode.Parse(input) });
        Assert.Equal((HttpStatusCode.Accepted, "miss"), (first.Status, first.XCache));
        var ran = await jobs.WaitForStatusAsync("job-miss-1", "succeeded");
        // The job's end stores its result just after the job reads as succeeded (in the background, on the replica that ended it).
        await Eventually.UntilAsync(() => env.Api.Log.Contains("Result of job job-miss-1 cached (", StringComparison.Ordinal), TimeSpan.FromSeconds(10),
            () => $"the API to log that it cached job-miss-1's result:\n{env.Api.Log}");
        var runs = await _sim.HistoryCountAsync();
        await FailEveryRunAsync();

        var second = await _http.PostAsync("/jobs", new JsonObject { ["id"] = "job-hit-1", ["workflow"] = "text2img", ["input"] = JsonNode.Parse(input) });
        Assert.Equal((HttpStatusCode.Accepted, "hit"), (second.Status, second.XCache));
        var born = second.Body;
        Assert.Equal("succeeded", (string?)born["status"]);
        Assert.Equal(0, (int)born["attempts"]!);
        var id = (string)born["id"]!;
        Assert.False(await _sim.RanAsync(id));
        Assert.Equal(runs, await _sim.HistoryCountAsync());
        using var hitBytes = await _http.GetAsync($"/jobs/{id}/outputs/0");
        using var ranBytes = await _http.GetAsync("/jobs/job-miss-1/outputs/0");
        Assert.Equal(await ranBytes.Content.ReadAsByteArrayAsync(), await hitBytes.Content.ReadAsByteArrayAsync());
        Assert.Equal((long)ran["result"]!["outputs"]![0]!["size"]!, (long)born["result"]!["outputs"]![0]!["size"]!);

        // Without a seed a job always runs.
        const string noSeed = """{"prompt": "a cached job", "width": 256, "height": 256, "steps": 2}""";
        var unseeded = await _http.PostAsync("/jobs", new JsonObject { ["workflow"] = "text2img", ["input"] = JsonNode.Parse(noSeed) });
        Assert.Equal((HttpStatusCode.Accepted, "miss"), (unseeded.Status, unseeded.XCache));
        Assert.Equal("failed", (string?)(await jobs.WaitAsync((string)unseeded.Body["id"]!, job => (string?)job["status"] is "succeeded" or "failed"))["status"]);
    }

    [Fact]
    public async Task A_failure_is_not_cached()
    {
        await FailEveryRunAsync();
        var failed = await _http.PostAsync("/prompt", Prompt("fail-1", seed: 4004));
        await _sim.DeleteAsync("/sim/faults");

        var retried = await _http.PostAsync("/prompt", Prompt("fail-2", seed: 4004));
        var again = await _http.PostAsync("/prompt", Prompt("fail-3", seed: 4004));

        Assert.Equal((HttpStatusCode.InternalServerError, "miss"), (failed.Status, failed.XCache));
        Assert.Equal((HttpStatusCode.OK, "miss"), (retried.Status, retried.XCache));
        Assert.True(await _sim.RanAsync("fail-2"));
        Assert.Equal((HttpStatusCode.OK, "hit"), (again.Status, again.XCache));
    }

    [Fact]
    public async Task Convert_output_is_part_of_the_key_and_its_converted_bytes_are_served()
    {
        var png = await _http.PostAsync("/prompt", Prompt("conv-1", seed: 5005));
        var jpegRequest = Prompt("conv-2", seed: 5005);
        jpegRequest["convert_output"] = JsonNode.Parse("""{"format": "jpeg", "options": {"quality": 70}}""");
        var jpeg = await _http.PostAsync("/prompt", jpegRequest);
        var jpegAgainRequest = Prompt("conv-3", seed: 5005);
        jpegAgainRequest["convert_output"] = JsonNode.Parse("""{"format": "jpeg", "options": {"quality": 70}}""");
        var jpegAgain = await _http.PostAsync("/prompt", jpegAgainRequest);

        Assert.Equal(("miss", "miss", "hit"), (png.XCache, jpeg.XCache, jpegAgain.XCache));
        Assert.Equal(["conv-3_ComfyUI_00001_.jpeg"], jpegAgain.Filenames);
        Assert.Equal(jpeg.Images, jpegAgain.Images);
        Assert.Equal([0xFF, 0xD8], Convert.FromBase64String(jpegAgain.Images[0])[..2]);
    }

    [Fact]
    public async Task An_inline_image_input_is_keyed_by_its_bytes()
    {
        JsonObject Img2Img(string id, byte[] image) => new()
        {
            ["id"] = id,
            ["input"] = new JsonObject { ["prompt"] = "redraw", ["image"] = Convert.ToBase64String(image), ["steps"] = 2, ["seed"] = 6006 },
        };

        var red = TestImages.Png(64, 64);
        var other = TestImages.Png(64, 48);
        var first = await _http.PostAsync("/workflow/img2img", Img2Img("img-1", red));
        var same = await _http.PostAsync("/workflow/img2img", Img2Img("img-2", red));
        var different = await _http.PostAsync("/workflow/img2img", Img2Img("img-3", other));

        Assert.Equal((HttpStatusCode.OK, "miss"), (first.Status, first.XCache));
        Assert.Equal((HttpStatusCode.OK, "hit"), (same.Status, same.XCache));
        Assert.Equal((HttpStatusCode.OK, "miss"), (different.Status, different.XCache));
        Assert.Equal(first.Images, same.Images);
        Assert.False(await _sim.RanAsync("img-2"));
        Assert.Equal("img-2_1.png", (string?)same.Body["prompt"]!["10"]!["inputs"]!["image"]);
    }

    [Fact]
    public async Task A_sync_http_upload_is_served_from_the_cache_and_still_uploaded()
    {
        var first = await _http.PostAsync("/prompt", Prompt("up-1", seed: 10010));
        await FailEveryRunAsync();
        var upload = Prompt("up-2", seed: 10010);
        upload["http_upload"] = new JsonObject { ["url_prefix"] = new Uri(env.Receiver.BaseAddress, "/cache-up/").ToString() };

        var second = await _http.PostAsync("/prompt", upload);

        Assert.Equal((HttpStatusCode.OK, "hit"), (second.Status, second.XCache));
        Assert.Equal([new Uri(env.Receiver.BaseAddress, "/cache-up/up-2_ComfyUI_00001_.png").ToString()], second.Images);
        var put = Assert.Single(env.Receiver.ReceivedAt("/cache-up/"));
        Assert.Equal(Convert.FromBase64String(first.Images[0]), put.Body);
        Assert.False(await _sim.RanAsync("up-2"));
    }

    [Fact]
    public async Task An_async_request_bypasses_the_cache()
    {
        var first = await _http.PostAsync("/prompt", Prompt("async-1", seed: 11011));
        var upload = Prompt("async-2", seed: 11011);
        upload["http_upload"] = new JsonObject { ["url_prefix"] = new Uri(env.Receiver.BaseAddress, "/cache-async/").ToString(), ["async"] = true };

        var accepted = await _http.PostAsync("/prompt", upload);

        Assert.Equal((HttpStatusCode.OK, "miss"), (first.Status, first.XCache));
        Assert.Equal((HttpStatusCode.Accepted, "miss"), (accepted.Status, accepted.XCache));
        await env.Receiver.WaitForAsync("/cache-async/");
        Assert.True(await _sim.RanAsync("async-2"));
    }

    [Fact]
    public async Task Answers_that_are_not_results_say_miss_too()
    {
        var invalid = await _http.PostAsync("/prompt", new JsonObject { ["prompt"] = new JsonObject() });

        Assert.Equal((HttpStatusCode.BadRequest, "miss"), (invalid.Status, invalid.XCache));
    }
}
