using System.Text.Json;
using System.Text.Json.Nodes;
using FluxAspire.Api.Endpoints.Jobs;
using FluxAspire.Api.Pipeline.Jobs;

namespace FluxAspire.Tests.JobsApi;

/// <summary>How a stored job becomes the GET /jobs/{id} body.</summary>
public class JobResponseTests
{
    private static readonly DateTimeOffset Created = new(2025, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private static JobRecord Job(JobStatus status) =>
        new(new JobRequest("job-1", [], Created, TimeSpan.Zero), Created.AddMinutes(10), status);

    private static JsonObject Json(JobRecord job, bool includeTraceback = false) =>
        JsonSerializer.SerializeToNode(JobResponse.From(job, includeTraceback))!.AsObject();

    [Fact]
    public void A_queued_job_has_nulls_for_what_has_not_happened_yet()
    {
        Assert.Equal("""{"id":"job-1","status":"queued","progress":null,"created_at":"2025-05-01T12:00:00Z","started_at":null,"finished_at":null,"attempts":0}""",
            Json(Job(JobStatus.Queued)).ToJsonString());
    }

    [Fact]
    public void A_succeeded_job_lists_its_outputs_with_types_sizes_and_urls()
    {
        var files = new[]
        {
            new JobOutputFile("9", "job-1_ComfyUI_00001_.png", new byte[10]),
            new JobOutputFile("12", "job-1_ComfyUI_00002_.webp", OutputBytes.Empty) { Length = 2048 },
        };
        var stats = new JobStats(1000, 3000, new Dictionary<string, long> { ["31"] = 1001 }, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(2),
            TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromSeconds(2.5));
        var job = Job(JobStatus.Succeeded) with
        {
            Result = new JobResult("job-1", [], files, stats),
            StartedAt = Created.AddSeconds(1),
            FinishedAt = Created.AddSeconds(3.5),
            Attempts = 2,
            Progress = new JobProgress(20, 20, "31"),
        };

        var json = Json(job);

        Assert.Equal("succeeded", (string?)json["status"]);
        Assert.Equal("2025-05-01T12:00:01Z", (string?)json["started_at"]);
        Assert.Equal("2025-05-01T12:00:03.5Z", (string?)json["finished_at"]);
        Assert.Equal(2, (int)json["attempts"]!);
        Assert.Equal("""{"value":20,"max":20,"node":"31"}""", json["progress"]!.ToJsonString());
        Assert.Equal(
            """[{"index":0,"node_id":"9","filename":"job-1_ComfyUI_00001_.png","content_type":"image/png","size":10,"url":"/jobs/job-1/outputs/0"},""" +
            """{"index":1,"node_id":"12","filename":"job-1_ComfyUI_00002_.webp","content_type":"image/webp","size":2048,"url":"/jobs/job-1/outputs/1"}]""",
            json["result"]!["outputs"]!.ToJsonString());
        Assert.Equal(2000, (long)json["result"]!["stats"]!["comfy_execution"]!["duration"]!);
        Assert.False(json.ContainsKey("error"));
    }

    [Fact]
    public void A_failed_job_has_its_failure_kind_message_and_comfy_details_without_the_traceback()
    {
        var error = JsonNode.Parse("""
            {"node_id": "31", "node_type": "KSampler", "exception_type": "torch.OutOfMemoryError", "exception_message": "out of memory\n",
             "traceback": ["File x"], "current_inputs": {"secret": "never shown"}}
            """)!.AsObject();
        var job = Job(JobStatus.Failed) with { Failure = new JobFailure(JobFailureKind.ExecutionFailed, "KSampler failed", error) };

        Assert.Equal(
            """{"type":"execution_failed","message":"KSampler failed","details":{"node_id":"31","node_type":"KSampler","exception_type":"torch.OutOfMemoryError","exception_message":"out of memory"}}""",
            Json(job)["error"]!.ToJsonString());
        Assert.Equal("""["File x"]""", Json(job, includeTraceback: true)["error"]!["details"]!["traceback"]!.ToJsonString());
        Assert.False(Json(job).ContainsKey("result"));
    }

    [Fact]
    public void A_canceled_job_says_so_without_details()
    {
        var job = Job(JobStatus.Canceled) with { Failure = JobFailures.Cancelled() };

        Assert.Equal("canceled", (string?)Json(job)["status"]);
        Assert.Equal("""{"type":"cancelled","message":"the job was cancelled"}""", Json(job)["error"]!.ToJsonString());
    }
}
