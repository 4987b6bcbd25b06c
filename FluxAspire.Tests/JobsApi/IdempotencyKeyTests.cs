using System.Text.Json.Nodes;

namespace FluxAspire.Tests.JobsApi;

/// <summary>POST /jobs with Idempotency-Key: a retry gets the same job and runs nothing; another body with the key is a 422.</summary>
[Collection(JobsApiCollection.Name)]
public class IdempotencyKeyTests(JobsApiEnvironment env)
{
    private readonly JobsClient _jobs = new(env.Api.CreateClient());

    private async Task<int> HistoryCountAsync()
    {
        using var sim = env.Simulator.CreateClient();
        return JsonNode.Parse(await sim.GetStringAsync("/history"))!.AsObject().Count;
    }

    [Fact]
    public async Task A_retry_with_the_same_body_returns_the_same_job_and_runs_it_once()
    {
        var key = "retry-" + Guid.NewGuid().ToString("N");
        var historyBefore = await HistoryCountAsync();

        var first = await _jobs.SubmitAsync("""{"workflow": "text2img", "input": {"prompt": "once", "width": 256, "height": 256, "steps": 2}}""", key);
        // The same request, serialised differently (key order, spacing): still a retry.
        var retry = await _jobs.SubmitAsync("""{ "input": {"steps": 2, "height": 256, "width": 256, "prompt": "once"},   "workflow": "text2img" }""", key);

        Assert.Equal(HttpStatusCode.Accepted, first.Status);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        var id = (string)first.Body["id"]!;
        Assert.Equal(HttpStatusCode.OK, retry.Status);
        Assert.Equal(id, (string?)retry.Body["id"]);
        Assert.Equal($"/jobs/{id}", retry.Headers.Location?.ToString());
        Assert.Equal(["true"], retry.Headers.GetValues("Idempotent-Replayed"));
        Assert.Contains((string?)retry.Body["status"], new[] { "queued", "running", "succeeded" });

        await _jobs.WaitForStatusAsync(id, "succeeded");
        var late = await _jobs.SubmitAsync("""{"workflow": "text2img", "input": {"prompt": "once", "width": 256, "height": 256, "steps": 2}}""", key);
        Assert.Equal(HttpStatusCode.OK, late.Status);
        Assert.Equal(id, (string?)late.Body["id"]);
        Assert.Equal("succeeded", (string?)late.Body["status"]);
        Assert.Equal(1, (int)late.Body["attempts"]!);

        // ComfyUI ran exactly one prompt for the three submits, and wrote one image.
        Assert.Equal(historyBefore + 1, await HistoryCountAsync());
        Assert.Single(Directory.GetFiles(env.Simulator.OutputDirectory, $"{id}_*"));
    }

    [Fact]
    public async Task The_same_key_with_another_body_is_a_422_and_queues_nothing()
    {
        var key = "other-" + Guid.NewGuid().ToString("N");
        var first = await _jobs.SubmitAsync("""{"workflow": "text2img", "input": {"prompt": "first", "width": 256, "height": 256, "steps": 2}}""", key);
        await _jobs.WaitForStatusAsync((string)first.Body["id"]!, "succeeded");
        var historyBefore = await HistoryCountAsync();

        var other = await _jobs.SubmitAsync("""{"workflow": "text2img", "input": {"prompt": "second", "width": 256, "height": 256, "steps": 2}}""", key);

        Assert.Equal((HttpStatusCode)422, other.Status);
        Assert.Equal("application/problem+json", other.ContentType);
        Assert.Equal("Idempotency-Key reused with a different request", (string?)other.Body["title"]);
        // A job submitted after it runs to its end: had the 422 queued anything, ComfyUI would have run that first.
        var later = await _jobs.SubmitAsync("""{"workflow": "text2img", "input": {"prompt": "later", "width": 256, "height": 256, "steps": 2}}""");
        await _jobs.WaitForStatusAsync((string)later.Body["id"]!, "succeeded");
        Assert.Equal(historyBefore + 1, await HistoryCountAsync());
    }

    [Fact]
    public async Task A_key_is_not_taken_by_a_submit_that_failed()
    {
        var key = "failed-" + Guid.NewGuid().ToString("N");
        var taken = await _jobs.SubmitAsync("""{"workflow": "text2img", "id": "idem-taken-1", "input": {"prompt": "p", "width": 256, "height": 256, "steps": 2}}""");
        Assert.Equal(HttpStatusCode.Accepted, taken.Status);

        // The id is taken, so this submit fails (409) after binding the key; the key must be free again.
        var duplicate = await _jobs.SubmitAsync("""{"workflow": "text2img", "id": "idem-taken-1", "input": {"prompt": "q", "width": 256, "height": 256, "steps": 2}}""", key);
        var fresh = await _jobs.SubmitAsync("""{"workflow": "text2img", "id": "idem-fresh-1", "input": {"prompt": "q", "width": 256, "height": 256, "steps": 2}}""", key);

        Assert.Equal(HttpStatusCode.Conflict, duplicate.Status);
        Assert.Equal(HttpStatusCode.Accepted, fresh.Status);
        Assert.Equal("idem-fresh-1", (string?)fresh.Body["id"]);
        await _jobs.WaitForStatusAsync("idem-fresh-1", "succeeded");
        await _jobs.WaitForStatusAsync("idem-taken-1", "succeeded");
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("tab\there")]
    [InlineData("256")]
    public async Task A_malformed_key_is_a_400_naming_the_header(string key)
    {
        if (key == "256") key = new string('k', 256);

        var answer = await _jobs.SubmitAsync("""{"workflow": "text2img", "input": {"prompt": "p"}}""", key);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(["Idempotency-Key"], answer.Body["errors"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task A_255_character_key_is_accepted()
    {
        var key = new string('k', 250) + Guid.NewGuid().ToString("N")[..5];

        var answer = await _jobs.SubmitAsync("""{"workflow": "text2img", "input": {"prompt": "p", "width": 256, "height": 256, "steps": 2}}""", key);

        Assert.Equal(HttpStatusCode.Accepted, answer.Status);
        await _jobs.WaitForStatusAsync((string)answer.Body["id"]!, "succeeded");
    }
}
