using System.Globalization;
using System.Text.Json.Nodes;
using FluxAspire.Tests.Api.Integration;
using SkiaSharp;

namespace FluxAspire.Tests.JobsApi;

/// <summary>POST /jobs in both forms, GET /jobs/{id}, output downloads, validation and unknown ids, on the real API and simulator.</summary>
[Collection(JobsApiCollection.Name)]
public class JobsApiTests(JobsApiEnvironment env)
{
    private readonly JobsClient _jobs = new(env.Api.CreateClient());

    private static JsonObject PromptBody(int width = 320, int height = 256, int steps = 2) =>
        new() { ["prompt"] = TestGraphs.Flux(width, height, steps) };

    private static void AssertUtcTimestamp(JsonNode? value)
    {
        var text = (string?)value ?? throw new Xunit.Sdk.XunitException("timestamp missing");
        Assert.EndsWith("Z", text);
        Assert.True(DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed), text);
        Assert.Equal(DateTimeKind.Utc, parsed.Kind);
    }

    [Fact]
    public async Task A_graph_is_queued_at_once_runs_and_its_png_downloads_with_the_right_size()
    {
        var before = DateTime.UtcNow;
        var submitted = await _jobs.SubmitAsync(PromptBody());

        Assert.Equal(HttpStatusCode.Accepted, submitted.Status);
        var id = (string)submitted.Body["id"]!;
        Assert.True(Guid.TryParse(id, out _), id);
        Assert.Equal($"/jobs/{id}", submitted.Headers.Location?.ToString());
        Assert.Equal("queued", (string?)submitted.Body["status"]);
        Assert.Equal(["id", "status", "progress", "created_at", "started_at", "finished_at", "attempts"], submitted.Body.Select(p => p.Key));
        Assert.Null(submitted.Body["progress"]);
        Assert.Null(submitted.Body["started_at"]);
        Assert.Equal(0, (int)submitted.Body["attempts"]!);
        AssertUtcTimestamp(submitted.Body["created_at"]);
        Assert.InRange(DateTime.Parse((string)submitted.Body["created_at"]!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind), before.AddSeconds(-5), DateTime.UtcNow.AddSeconds(5));

        var done = await _jobs.WaitForStatusAsync(id, "succeeded");

        Assert.Equal(["id", "status", "progress", "created_at", "started_at", "finished_at", "attempts", "result"], done.Select(p => p.Key));
        Assert.Equal(1, (int)done["attempts"]!);
        Assert.Equal("""{"value":2,"max":2,"node":"31"}""", done["progress"]!.ToJsonString());
        AssertUtcTimestamp(done["started_at"]);
        AssertUtcTimestamp(done["finished_at"]);
        var output = done["result"]!["outputs"]!.AsArray().Single()!.AsObject();
        Assert.Equal(["index", "node_id", "filename", "content_type", "size", "url"], output.Select(p => p.Key));
        Assert.Equal(0, (int)output["index"]!);
        Assert.Equal("9", (string?)output["node_id"]);
        Assert.Equal($"{id}_ComfyUI_00001_.png", (string?)output["filename"]);
        Assert.Equal("image/png", (string?)output["content_type"]);
        Assert.Equal($"/jobs/{id}/outputs/0", (string?)output["url"]);
        Assert.Equal(["comfy_execution", "preprocess_time", "comfy_round_trip_time", "postprocess_time", "upload_time", "total_time"],
            done["result"]!["stats"]!.AsObject().Select(p => p.Key));

        using var download = await _jobs.Http.GetAsync((string)output["url"]!);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("image/png", download.Content.Headers.ContentType?.MediaType);
        var bytes = await download.Content.ReadAsByteArrayAsync();
        Assert.Equal((long)output["size"]!, download.Content.Headers.ContentLength);
        Assert.Equal((long)output["size"]!, bytes.LongLength);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        using var image = SKBitmap.Decode(bytes);
        Assert.Equal((320, 256), (image.Width, image.Height));
    }

    [Fact]
    public async Task A_workflow_job_fills_its_input_keeps_the_given_id_and_converts_its_output()
    {
        var submitted = await _jobs.SubmitAsync("""
            {"workflow": "text2img", "id": "jobs-workflow-1", "input": {"prompt": "a lighthouse", "width": 256, "height": 320, "steps": 3, "seed": 5},
             "convert_output": {"format": "webp"}}
            """);

        Assert.Equal(HttpStatusCode.Accepted, submitted.Status);
        Assert.Equal("jobs-workflow-1", (string?)submitted.Body["id"]);
        Assert.Equal("/jobs/jobs-workflow-1", submitted.Headers.Location?.ToString());
        var done = await _jobs.WaitForStatusAsync("jobs-workflow-1", "succeeded");
        Assert.Equal("""{"value":3,"max":3,"node":"31"}""", done["progress"]!.ToJsonString());
        var output = done["result"]!["outputs"]![0]!;
        Assert.Equal("jobs-workflow-1_ComfyUI_00001_.webp", (string?)output["filename"]);
        Assert.Equal("image/webp", (string?)output["content_type"]);

        using var download = await _jobs.Http.GetAsync("/jobs/jobs-workflow-1/outputs/0");
        Assert.Equal("image/webp", download.Content.Headers.ContentType?.MediaType);
        using var image = SKBitmap.Decode(await download.Content.ReadAsByteArrayAsync());
        Assert.Equal((256, 320), (image.Width, image.Height));

        // The graph that ran is the workflow's, with the input's values (the simulator keeps what it was sent).
        using var sim = env.Simulator.CreateClient();
        var history = JsonNode.Parse(await sim.GetStringAsync("/history/jobs-workflow-1"))!["jobs-workflow-1"]!;
        var graph = history["prompt"]![2]!;
        Assert.Equal("a lighthouse", (string?)graph["6"]!["inputs"]!["text"]);
        Assert.Equal(5, (int)graph["31"]!["inputs"]!["seed"]!);
        Assert.Equal("jobs-workflow-1_ComfyUI", (string?)graph["9"]!["inputs"]!["filename_prefix"]);
    }

    [Theory]
    [InlineData("""{}""", "prompt,workflow")]
    [InlineData("""{"prompt": {"1": {"class_type": "SaveImage", "inputs": {"filename_prefix": "x"}}}, "workflow": "text2img", "input": {"prompt": "p"}}""", "prompt,workflow")]
    [InlineData("""{"workflow": "text2video", "input": {"prompt": "p"}}""", "workflow")]
    [InlineData("""{"workflow": 7, "input": {"prompt": "p"}}""", "workflow")]
    [InlineData("""{"workflow": "text2img"}""", "input")]
    [InlineData("""{"workflow": "text2img", "input": {"prompt": "p", "width": 100, "steps": 0}}""", "input.steps,input.width")]
    [InlineData("""{"workflow": "text2img", "input": {"prompt": "p"}, "id": "../etc"}""", "id")]
    [InlineData("""{"workflow": "text2img", "input": {"prompt": "p"}, "webhook_v2": "not a url"}""", "webhook_v2")]
    [InlineData("""{"prompt": "a string"}""", "prompt")]
    [InlineData("""{"prompt": {"1": {"class_type": "VAEDecode", "inputs": {}}}}""", "prompt")]
    [InlineData("""{"prompt": {"1": {"inputs": {}}}}""", "prompt.1.class_type")]
    [InlineData("""{"prompt": {"9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "x"}}}, "convert_output": {"format": "gif"}}""", "convert_output.format")]
    [InlineData("""[1, 2]""", "body")]
    [InlineData("""{not json""", "body")]
    public async Task Bad_bodies_get_a_400_naming_each_bad_field(string body, string fields)
    {
        var answer = await _jobs.SubmitAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.Equal(fields.Split(','), answer.Body["errors"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_unknown_workflow_is_named_with_the_known_ones()
    {
        var answer = await _jobs.SubmitAsync("""{"workflow": "text2video", "input": {}}""");

        Assert.Equal("unknown workflow 'text2video'; the workflows are: img2img, text2img", (string?)answer.Body["errors"]!["workflow"]![0]);
    }

    [Fact]
    public async Task A_reused_id_is_a_409()
    {
        var body = PromptBody();
        body["id"] = "jobs-duplicate-1";
        Assert.Equal(HttpStatusCode.Accepted, (await _jobs.SubmitAsync(body)).Status);

        var again = await _jobs.SubmitAsync(body);

        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal("Duplicate request id", (string?)again.Body["title"]);
        await _jobs.WaitForStatusAsync("jobs-duplicate-1", "succeeded");
    }

    [Fact]
    public async Task Unknown_ids_are_404_problems_on_every_route()
    {
        foreach (var (method, path) in new[]
        {
            (HttpMethod.Get, "/jobs/no-such-job"),
            (HttpMethod.Get, "/jobs/no-such-job/outputs/0"),
            (HttpMethod.Get, "/jobs/no-such-job/events"),
            (HttpMethod.Post, "/jobs/no-such-job/cancel"),
        })
        {
            using var response = await _jobs.Http.SendAsync(new HttpRequestMessage(method, path));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Equal(404, (int)problem["status"]!);
            Assert.Equal("No such job", (string?)problem["title"]);
            Assert.Equal("no-such-job", (string?)problem["id"]);
        }
    }

    [Fact]
    public async Task An_output_index_past_the_end_is_a_404_naming_the_count()
    {
        var id = (string)(await _jobs.SubmitAsync(PromptBody(256, 256))).Body["id"]!;
        await _jobs.WaitForStatusAsync(id, "succeeded");

        using var past = await _jobs.Http.GetAsync($"/jobs/{id}/outputs/1");
        using var negative = await _jobs.Http.GetAsync($"/jobs/{id}/outputs/-1");
        using var notANumber = await _jobs.Http.GetAsync($"/jobs/{id}/outputs/first");

        Assert.Equal(HttpStatusCode.NotFound, past.StatusCode);
        Assert.Equal($"Job '{id}' has 1 output (index 0 to 0); there is no index 1.", (string?)JsonNode.Parse(await past.Content.ReadAsStringAsync())!["detail"]);
        Assert.Equal(HttpStatusCode.NotFound, negative.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, notANumber.StatusCode);
    }

    [Fact]
    public async Task Job_outputs_outlive_the_short_result_retention_of_synchronous_requests()
    {
        var job = (string)(await _jobs.SubmitAsync(PromptBody(256, 256))).Body["id"]!;
        using var content = new StringContent(PromptBody(256, 256).ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        using var sync = await _jobs.Http.PostAsync("/prompt", content);
        Assert.Equal(HttpStatusCode.OK, sync.StatusCode);
        var syncId = (string)JsonNode.Parse(await sync.Content.ReadAsStringAsync())!["id"]!;
        await _jobs.WaitForStatusAsync(job, "succeeded");

        // Jobs:ResultRetention is 1 s here; a synchronous request is also a job, and GET /jobs/{id} shows it.
        var expired = await _jobs.WaitAsync(syncId, _ => true);
        Assert.Equal("succeeded", (string?)expired["status"]);
        var syncOutput = HttpStatusCode.OK;
        await Eventually.TryUntilAsync(async () =>
        {
            using var response = await _jobs.Http.GetAsync($"/jobs/{syncId}/outputs/0");
            syncOutput = response.StatusCode;
            return syncOutput != HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(200));

        Assert.Equal(HttpStatusCode.NotFound, syncOutput);
        var kept = await _jobs.GetAsync(syncId);
        Assert.Equal($"{syncId}_ComfyUI_00001_.png", (string?)kept.Body["result"]!["outputs"]![0]!["filename"]);
        using var jobOutput = await _jobs.Http.GetAsync($"/jobs/{job}/outputs/0");
        Assert.Equal(HttpStatusCode.OK, jobOutput.StatusCode);
        Assert.Equal("image/png", jobOutput.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_job_webhook_is_delivered_when_it_ends()
    {
        var hook = new Uri(env.Receiver.BaseAddress, "/jobs-hook-1").ToString();
        var submitted = await _jobs.SubmitAsync($$"""{"workflow": "text2img", "id": "jobs-webhook-1", "input": {"prompt": "p", "width": 256, "height": 256, "steps": 2}, "webhook_v2": "{{hook}}"}""");

        Assert.Equal(HttpStatusCode.Accepted, submitted.Status);
        Assert.Equal("queued", (string?)submitted.Body["status"]);
        var delivered = (await env.Receiver.WaitForAsync("/jobs-hook-1")).Single();
        var body = JsonNode.Parse(delivered.BodyText)!;
        Assert.Equal("prompt.complete", (string?)body["type"]);
        Assert.Equal("jobs-webhook-1", (string?)body["id"]);
        Assert.Equal("text2img", (string?)body["workflow"]);
        Assert.Equal("p", (string?)body["input"]!["prompt"]);
        Assert.Single(body["images"]!.AsArray());
        Assert.NotNull(delivered.Header("webhook-signature"));
        Assert.Equal("succeeded", (string?)(await _jobs.GetAsync("jobs-webhook-1")).Body["status"]);
    }

    [Fact]
    public async Task OpenApi_documents_every_jobs_endpoint()
    {
        var document = JsonNode.Parse(await _jobs.Http.GetStringAsync("/openapi/v1.json"))!;
        var paths = document["paths"]!;

        var expected = new (string Path, string Method, string Name)[]
        {
            ("/jobs", "post", "SubmitJob"),
            ("/jobs/{id}", "get", "GetJob"),
            ("/jobs/{id}/outputs/{index}", "get", "GetJobOutput"),
            ("/jobs/{id}/events", "get", "GetJobEvents"),
            ("/jobs/{id}/cancel", "post", "CancelJob"),
        };
        foreach (var (path, method, name) in expected)
        {
            var operation = paths[path]?[method] ?? throw new Xunit.Sdk.XunitException($"{method} {path} is not documented");
            Assert.Equal(name, (string?)operation["operationId"]);
            Assert.Equal(["Jobs"], operation["tags"]!.AsArray().Select(t => (string?)t));
            Assert.False(string.IsNullOrEmpty((string?)operation["summary"]), name);
            Assert.NotNull(operation["responses"]![path == "/jobs" ? "400" : "404"]);
        }

        var submit = paths["/jobs"]!["post"]!;
        Assert.Equal("#/components/schemas/JobSubmission", (string?)submit["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]);
        Assert.Equal("#/components/schemas/JobResponse", (string?)submit["responses"]!["202"]!["content"]!["application/json"]!["schema"]!["$ref"]);
        Assert.NotNull(submit["responses"]!["422"]);
        Assert.NotNull(paths["/jobs/{id}/events"]!["get"]!["responses"]!["200"]!["content"]!["text/event-stream"]);
        Assert.NotNull(paths["/jobs/{id}/outputs/{index}"]!["get"]!["responses"]!["200"]!["content"]!["image/png"]);
        Assert.NotNull(paths["/jobs/{id}/outputs/{index}"]!["get"]!["responses"]!["409"]);
        var schemas = document["components"]!["schemas"]!;
        Assert.Equal(["queued", "running", "succeeded", "failed", "canceled"], schemas["JobStatus"]!["enum"]!.AsArray().Select(n => (string?)n));
        Assert.Contains("execution_failed", schemas["JobFailureKind"]!["enum"]!.AsArray().Select(n => (string?)n));
        Assert.Equal(["id", "status", "progress", "queue_position", "created_at", "started_at", "finished_at", "attempts", "result", "error"],
            schemas["JobResponse"]!["properties"]!.AsObject().Select(p => p.Key));
        Assert.Contains("1 = the next job to start", (string?)schemas["JobResponse"]!["properties"]!["queue_position"]!["description"]);
        Assert.Contains("\"queue\" ({status: \"queued\", queue_position})", (string?)paths["/jobs/{id}/events"]!["get"]!["description"]);
    }
}
