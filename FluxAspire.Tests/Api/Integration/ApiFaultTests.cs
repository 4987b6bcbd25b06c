using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace FluxAspire.Tests.Api.Integration;

/// <summary>Faults injected into a running simulator (POST /sim/faults) while the API waits for a job.
/// The tests of this class run one after another, so the simulator's global faults do not leak between them.</summary>
public class ApiFaultTests(SlowApiWithSimulator env) : IClassFixture<SlowApiWithSimulator>, IAsyncLifetime
{
    private readonly HttpClient _http = env.Api.CreateClient();
    private readonly HttpClient _sim = env.Simulator.CreateClient();

    public Task InitializeAsync() => _sim.DeleteAsync("/sim/faults");

    public Task DisposeAsync() => _sim.DeleteAsync("/sim/faults");

    [Fact]
    public async Task A_node_that_fails_gives_a_500_problem_with_node_type_and_message()
    {
        using var fault = await _sim.PostAsJsonAsync("/sim/faults", JsonNode.Parse("""{"fail_node": {"class_type": "KSampler", "exception_type": "RuntimeError", "message": "boom"}}"""));
        fault.EnsureSuccessStatusCode();

        using var response = await _http.PostAsJsonAsync("/workflow/text2img", JsonNode.Parse("""{"input": {"prompt": "p", "steps": 2, "width": 256, "height": 256}}"""));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("ComfyUI failed to execute the prompt", (string?)body["title"]);
        Assert.Equal("31", (string?)body["node_id"]);
        Assert.Equal("KSampler", (string?)body["node_type"]);
        Assert.Equal("RuntimeError", (string?)body["exception_type"]);
        Assert.Equal("boom", (string?)body["exception_message"]);
        Assert.Null(body["traceback"]);
    }

    [Fact]
    public async Task A_WebSocket_dropped_mid_job_still_ends_in_success_through_history()
    {
        var clock = Stopwatch.StartNew();
        var request = _http.PostAsJsonAsync("/workflow/text2img", JsonNode.Parse("""{"id": "loses-its-socket", "input": {"prompt": "p", "steps": 15, "width": 256, "height": 256}}"""));
        await WaitUntilRunningAsync("loses-its-socket");
        using var drop = await _sim.PostAsJsonAsync("/sim/faults", JsonNode.Parse("""{"drop_websockets": true}"""));
        var dropped = JsonNode.Parse(await drop.Content.ReadAsStringAsync())!;

        using var response = await request;

        Assert.True((int)dropped["dropped_websockets"]! >= 1, dropped.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Single(body["images"]!.AsArray());
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task A_stalled_ComfyUI_ends_in_504_at_the_job_deadline()
    {
        await using var shortDeadline = await ApiProcess.StartAsync(env.Simulator.BaseAddress,
            new Dictionary<string, string> { ["Jobs__Timeout"] = "00:00:02", ["Warmup__Enabled"] = "false" });
        using var http = shortDeadline.CreateClient();
        using var stall = await _sim.PostAsJsonAsync("/sim/faults", JsonNode.Parse("""{"stall": {"class_type": "KSampler"}}"""));
        stall.EnsureSuccessStatusCode();
        var clock = Stopwatch.StartNew();

        using var response = await http.PostAsJsonAsync("/workflow/text2img", JsonNode.Parse("""{"id": "stalled-1", "input": {"prompt": "p", "steps": 2, "width": 256, "height": 256}}"""));

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("The job deadline passed", (string?)body["title"]);
        Assert.Equal("stalled-1", (string?)body["id"]);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(8));

        // The deadline took the prompt out of ComfyUI: the queue is empty again once the stall is lifted.
        await _sim.DeleteAsync("/sim/faults");
        var queue = JsonNode.Parse(await _sim.GetStringAsync("/queue"))!;
        Assert.Empty(queue["queue_pending"]!.AsArray());
    }

    [Fact]
    public async Task A_request_abandoned_while_queued_in_the_API_never_reaches_ComfyUI()
    {
        await using var api = await ApiProcess.StartAsync(env.Simulator.BaseAddress,
            new Dictionary<string, string> { ["Jobs__Prefetch"] = "1", ["Warmup__Enabled"] = "false" });
        using var http = api.CreateClient();
        using var stall = await _sim.PostAsJsonAsync("/sim/faults", JsonNode.Parse("""{"stall": {"class_type": "KSampler"}}"""));
        stall.EnsureSuccessStatusCode();
        var first = http.PostAsJsonAsync("/workflow/text2img", JsonNode.Parse("""{"id": "holds-the-slot", "input": {"prompt": "p", "steps": 2, "width": 256, "height": 256}}"""));
        await WaitUntilRunningAsync("holds-the-slot");

        using (var impatient = api.CreateClient(TimeSpan.FromMilliseconds(500)))
        {
            await Assert.ThrowsAnyAsync<TaskCanceledException>(() =>
                impatient.PostAsJsonAsync("/workflow/text2img", JsonNode.Parse("""{"id": "gives-up", "input": {"prompt": "p", "steps": 2, "width": 256, "height": 256}}""")));
        }

        // The API saw the client go: the abandoned request is a job that ended canceled while it waited for the slot.
        var jobs = new JobsApi.JobsClient(http);
        await jobs.WaitForStatusAsync("gives-up", "canceled", TimeSpan.FromSeconds(10));
        await _sim.DeleteAsync("/sim/faults");
        using var firstResponse = await first;
        Assert.Equal(HttpStatusCode.OK, firstResponse.StatusCode);
        // A request made after it runs to its end: a worker that wrongly took the abandoned one would have taken it first.
        using var later = await http.PostAsJsonAsync("/workflow/text2img", JsonNode.Parse("""{"id": "comes-after", "input": {"prompt": "a prompt of its own, so no cached result skips ComfyUI", "steps": 2, "width": 256, "height": 256}}"""));
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
        Assert.NotEqual("{}", (await _sim.GetStringAsync("/history/comes-after")).Replace(" ", ""));

        var queue = await _sim.GetStringAsync("/queue");
        Assert.DoesNotContain("gives-up", queue);
        Assert.Equal("{}", (await _sim.GetStringAsync("/history/gives-up")).Replace(" ", ""));
    }

    private Task WaitUntilRunningAsync(string promptId) =>
        Eventually.UntilAsync(
            async () => (await _sim.GetStringAsync("/queue")).Contains(promptId, StringComparison.Ordinal),
            TimeSpan.FromSeconds(5),
            $"{promptId} to reach ComfyUI's queue");
}
