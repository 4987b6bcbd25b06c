using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FluxAspire.Tests.Api.Integration;
using FluxAspire.Tests.Infrastructure;

namespace FluxAspire.Tests.Api.Inputs;

/// <summary>POST /interrupt for a running job, a job in our queue and a job in ComfyUI's queue; and no job files left
/// on ComfyUI's disk after a mix of successes, failures and interrupts. Real API + real simulator (200 ms per step).</summary>
public sealed class InterruptAndCleanupTests(InputsApiFixture fixture) : IClassFixture<InputsApiFixture>
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(15);
    private readonly HttpClient _api = fixture.Api.CreateClient();
    private readonly HttpClient _sim = fixture.Simulator.CreateClient();
    private static string Base64Png => Convert.ToBase64String(InputsApiFixture.Png);

    [Fact]
    public async Task A_running_job_is_interrupted_and_its_request_ends_with_409_interrupted()
    {
        var id = $"run-{Guid.NewGuid():N}";
        var request = PostPromptAsync(id, InputsGraphs.FluxWithInput(Base64Png, steps: 40));
        await Eventually.UntilAsync(async () => (await ComfyQueueAsync()).Running.Contains(id), Soon, $"{id} running in ComfyUI's /queue");

        var (status, answer) = await InterruptAsync(id);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal($$"""{"id":"{{id}}","interrupted":"success"}""", answer.ToJsonString());
        var (jobStatus, problem) = await request.WaitAsync(Soon);
        AssertInterrupted(jobStatus, problem, id, "running");
        Assert.Equal("error", (string?)(await ComfyHistoryAsync(id))?["status"]?["status_str"]);
        Assert.Contains("execution_interrupted", (await ComfyHistoryAsync(id))!["status"]!["messages"]!.ToJsonString());

        // Finished jobs and unknown ids: 404 {id, interrupted: "failed"}.
        var (again, againAnswer) = await InterruptAsync(id);
        Assert.Equal(HttpStatusCode.NotFound, again);
        Assert.Equal($$"""{"id":"{{id}}","interrupted":"failed"}""", againAnswer.ToJsonString());
        var (unknown, unknownAnswer) = await InterruptAsync("no-such-job");
        Assert.Equal(HttpStatusCode.NotFound, unknown);
        Assert.Equal("""{"id":"no-such-job","interrupted":"failed"}""", unknownAnswer.ToJsonString());
    }

    [Fact]
    public async Task An_interrupted_job_with_webhook_v2_gets_202_then_a_prompt_failed_webhook_saying_interrupted()
    {
        var id = $"hook-{Guid.NewGuid():N}";
        var hook = new Uri(fixture.Images.BaseAddress, "/hook").ToString();
        using var accepted = await _api.PostAsJsonAsync("/prompt", new JsonObject
        {
            ["id"] = id,
            ["prompt"] = InputsGraphs.FluxWithInput(Base64Png, steps: 40),
            ["webhook_v2"] = hook,
        });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        await Eventually.UntilAsync(async () => (await ComfyQueueAsync()).Running.Contains(id), Soon, $"{id} running in ComfyUI's /queue");

        Assert.Equal(HttpStatusCode.OK, (await InterruptAsync(id)).Status);

        var received = await NextWebhookAsync();
        var body = JsonNode.Parse(received.BodyText)!;
        Assert.Equal("prompt.failed", (string?)body["type"]);
        Assert.Equal(id, (string?)body["id"]);
        Assert.Equal("Interrupted", (string?)body["title"]);
        Assert.Equal(true, (bool?)body["interrupted"]);
        Assert.Equal("running", (string?)body["while"]);
        Assert.Equal("the job was interrupted by POST /interrupt while running", (string?)body["error"]);
        Assert.Equal(id, received.Header("webhook-id"));
    }

    [Fact]
    public async Task A_job_waiting_in_our_queue_is_removed_and_never_reaches_comfyui()
    {
        var running = $"first-{Guid.NewGuid():N}";
        var queued = $"second-{Guid.NewGuid():N}";
        var first = PostPromptAsync(running, TestGraphs.Flux(width: 256, height: 256, steps: 40));
        await Eventually.UntilAsync(async () => (await ComfyQueueAsync()).Running.Contains(running), Soon, $"{running} running in ComfyUI's /queue");
        var second = PostPromptAsync(queued, InputsGraphs.LoadAndSave(Base64Png)); // Prefetch=1: waits in our queue

        var (status, answer) = await InterruptWhenKnownAsync(queued);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("success", (string?)answer["interrupted"]);
        var (secondStatus, secondProblem) = await second.WaitAsync(Soon);
        AssertInterrupted(secondStatus, secondProblem, queued, "queued");
        Assert.False(first.IsCompleted);
        Assert.Null(await ComfyHistoryAsync(queued));
        Assert.DoesNotContain(queued, (await ComfyQueueAsync()).All);

        Assert.Equal(HttpStatusCode.OK, (await InterruptAsync(running)).Status);
        var (firstStatus, firstProblem) = await first.WaitAsync(Soon);
        AssertInterrupted(firstStatus, firstProblem, running, "running");
        Assert.Null(await ComfyHistoryAsync(queued));
    }

    [Fact]
    public async Task A_job_waiting_in_comfyuis_queue_is_deleted_from_it()
    {
        // Occupy ComfyUI directly, so our job is submitted and then waits in ComfyUI's pending queue.
        var blocker = $"blocker-{Guid.NewGuid():N}";
        using (var queuedDirect = await _sim.PostAsJsonAsync("/prompt", new JsonObject
               {
                   ["prompt"] = TestGraphs.Flux(width: 256, height: 256, steps: 40, prefix: "blocker"),
                   ["prompt_id"] = blocker,
               }))
        {
            Assert.Equal(HttpStatusCode.OK, queuedDirect.StatusCode);
        }

        var id = $"pending-{Guid.NewGuid():N}";
        try
        {
            var request = PostPromptAsync(id, InputsGraphs.FluxWithInput(Base64Png, steps: 2));
            await Eventually.UntilAsync(async () => (await ComfyQueueAsync()).Pending.Contains(id), Soon, $"{id} pending in ComfyUI's /queue");

            var (status, _) = await InterruptAsync(id);

            Assert.Equal(HttpStatusCode.OK, status);
            var (jobStatus, problem) = await request.WaitAsync(Soon);
            AssertInterrupted(jobStatus, problem, id, "running");
            Assert.DoesNotContain(id, (await ComfyQueueAsync()).All);
            Assert.Contains(blocker, (await ComfyQueueAsync()).Running);
            Assert.Null(await ComfyHistoryAsync(id));
        }
        finally
        {
            using var stop = await _sim.PostAsJsonAsync("/interrupt", new JsonObject { ["prompt_id"] = blocker });
            await Eventually.UntilAsync(async () => await ComfyHistoryAsync(blocker) is not null, Soon, $"{blocker} in ComfyUI's /history");
        }
    }

    [Fact]
    public async Task No_job_files_are_left_on_comfyuis_disk_after_twenty_mixed_jobs()
    {
        using (var fault = await _sim.PostAsJsonAsync("/sim/faults", JsonNode.Parse(
                   """{"fail_node": {"class_type": "ImageInvert", "exception_type": "RuntimeError", "message": "injected"}}""")))
        {
            Assert.Equal(HttpStatusCode.OK, fault.StatusCode);
        }

        try
        {
            var jobs = new List<(string Kind, string Id, Task<(HttpStatusCode, JsonObject)> Request)>();
            for (var i = 0; i < 20; i++)
            {
                var id = $"mix{i}-{Guid.NewGuid():N}";
                var (kind, graph) = (i % 4) switch
                {
                    0 => ("flux", TestGraphs.Flux(width: 256, height: 256, steps: 1)),
                    1 => ("input", InputsGraphs.LoadAndSave(i % 8 == 1 ? Base64Png : "data:image/png;base64," + Base64Png)),
                    2 => ("fails", InputsGraphs.LoadSaveAndInvert(Base64Png)),
                    _ => ("interrupted", InputsGraphs.FluxWithInput(Base64Png, steps: 30)),
                };
                jobs.Add((kind, id, PostPromptAsync(id, graph)));
            }

            foreach (var (_, id, _) in jobs.Where(j => j.Kind == "interrupted"))
            {
                Assert.Equal(HttpStatusCode.OK, (await InterruptWhenKnownAsync(id)).Status);
            }

            foreach (var (kind, id, request) in jobs)
            {
                var (status, body) = await request.WaitAsync(TimeSpan.FromSeconds(60));
                switch (kind)
                {
                    case "flux" or "input":
                        Assert.True(status == HttpStatusCode.OK, $"{id}: {status} {body.ToJsonString()}");
                        Assert.Single(body["images"]!.AsArray());
                        break;
                    case "fails":
                        Assert.True(status == HttpStatusCode.InternalServerError, $"{id}: {status} {body.ToJsonString()}");
                        Assert.Equal("ImageInvert", (string?)body["node_type"]);
                        break;
                    default:
                        Assert.True(status == HttpStatusCode.Conflict, $"{id}: {status} {body.ToJsonString()}");
                        Assert.Equal("Interrupted", (string?)body["title"]);
                        break;
                }
            }

            Assert.Contains("Cleanup is on: job files are deleted from", fixture.Api.Log);
            // Cleanup runs in the background after each job; it must leave exactly the folders' original files.
            await Eventually.UntilAsync(() => fixture.FilesOnComfyDisk().SetEquals(fixture.InitialFiles), TimeSpan.FromSeconds(20),
                () => "left on ComfyUI's disk: " + string.Join(", ", fixture.FilesOnComfyDisk().Except(fixture.InitialFiles)));
        }
        finally
        {
            using var cleared = await _sim.DeleteAsync("/sim/faults");
        }
    }

    private static void AssertInterrupted(HttpStatusCode status, JsonObject problem, string id, string during)
    {
        Assert.True(status == HttpStatusCode.Conflict, $"{status}: {problem.ToJsonString()}");
        Assert.Equal("urn:fluxaspire:problem:interrupted", (string?)problem["type"]);
        Assert.Equal("Interrupted", (string?)problem["title"]);
        Assert.Equal(409, (int?)problem["status"]);
        Assert.Equal($"the job was interrupted by POST /interrupt while {during}", (string?)problem["detail"]);
        Assert.Equal(id, (string?)problem["id"]);
        Assert.Equal(during, (string?)problem["while"]);
    }

    private async Task<(HttpStatusCode Status, JsonObject Body)> PostPromptAsync(string id, JsonObject graph)
    {
        using var response = await _api.PostAsJsonAsync("/prompt", new JsonObject { ["id"] = id, ["prompt"] = graph });
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    private async Task<(HttpStatusCode Status, JsonObject Body)> InterruptAsync(string id)
    {
        using var response = await _api.PostAsJsonAsync("/interrupt", new JsonObject { ["id"] = id });
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    /// <summary>Interrupts a job whose request was just sent (it may not have reached the API yet).</summary>
    private async Task<(HttpStatusCode Status, JsonObject Body)> InterruptWhenKnownAsync(string id)
    {
        (HttpStatusCode Status, JsonObject Body) result = default;
        await Eventually.TryUntilAsync(async () => (result = await InterruptAsync(id)).Status != HttpStatusCode.NotFound, Soon);
        return result;
    }

    private async Task<FluxAspire.Tests.Api.Outbound.ReceivedRequest> NextWebhookAsync()
    {
        while (true)
        {
            var received = await fixture.Images.NextAsync(Soon);
            if (received.Path == "/hook")
            {
                return received;
            }
        }
    }

    private async Task<(HashSet<string> Running, HashSet<string> Pending, HashSet<string> All)> ComfyQueueAsync()
    {
        var queue = JsonNode.Parse(await _sim.GetStringAsync("/queue"))!;
        HashSet<string> Ids(string key) => queue[key]!.AsArray().Select(item => (string)item![1]!).ToHashSet();
        var running = Ids("queue_running");
        var pending = Ids("queue_pending");
        return (running, pending, [.. running, .. pending]);
    }

    private async Task<JsonObject?> ComfyHistoryAsync(string id) =>
        JsonNode.Parse(await _sim.GetStringAsync($"/history/{id}"))![id] as JsonObject;
}
