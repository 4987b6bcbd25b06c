using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FluxAspire.Tests.Api.Integration;
using FluxAspire.Tests.JobsApi;
using static FluxAspire.Tests.Cluster.ClusterProcesses;

namespace FluxAspire.Tests.Cluster;

/// <summary>Two replicas share one Redis, each with a simulator that sends latent2rgb previews: GET /jobs lists both
/// replicas' jobs from either one, and a job's previews stream from the replica that did not run it.</summary>
public sealed class CrossReplicaListAndPreviewTests : IAsyncLifetime
{
    private RedisServerProcess _redis = null!;
    private SimulatorProcess _simA = null!;
    private SimulatorProcess _simB = null!;
    private ApiProcess _apiA = null!;
    private ApiProcess _apiB = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServerProcess.StartAsync();
        string[] args = ["--step-ms", "30", "--preview-method", "latent2rgb", "--preview-size", "128"];
        (_simA, _simB) = (await SimulatorProcess.StartAsync(args), await SimulatorProcess.StartAsync(args));
        var everyPreview = new Dictionary<string, string> { ["Jobs__PreviewInterval"] = "00:00:00" };
        _apiA = await StartReplicaAsync(_simA, _redis, everyPreview);
        _apiB = await StartReplicaAsync(_simB, _redis, everyPreview);
    }

    public async Task DisposeAsync()
    {
        foreach (var process in new IAsyncDisposable[] { _apiA, _apiB, _simA, _simB, _redis })
        {
            if (process is not null) await process.DisposeAsync();
        }
    }

    private static async Task<string> SubmitAsync(JobsClient jobs, string prompt, bool previews = false)
    {
        var answer = await jobs.SubmitAsync(new JsonObject
        {
            ["workflow"] = "text2img",
            ["input"] = new JsonObject { ["prompt"] = prompt, ["width"] = 256, ["height"] = 256, ["steps"] = 5 },
            ["previews"] = previews,
        });
        Assert.Equal(HttpStatusCode.Accepted, answer.Status);
        return (string)answer.Body["id"]!;
    }

    [Fact]
    public async Task Either_replica_lists_every_replicas_jobs_newest_first_and_pages_across_them()
    {
        var onA = new JobsClient(_apiA.CreateClient());
        var onB = new JobsClient(_apiB.CreateClient());
        var ids = new List<string>();
        foreach (var (client, prompt) in new[] { (onA, "one"), (onB, "two"), (onA, "three") })
        {
            var id = await SubmitAsync(client, prompt);
            await client.WaitForStatusAsync(id, "succeeded");
            ids.Add(id);
        }

        foreach (var api in new[] { _apiA, _apiB })
        {
            using var http = api.CreateClient();
            var all = (await http.GetFromJsonAsync<JsonObject>("/jobs"))!;
            Assert.Equal([ids[2], ids[1], ids[0]], all["jobs"]!.AsArray().Select(j => (string)j!["job"]!["id"]!));
            Assert.Equal(["three", "two", "one"], all["jobs"]!.AsArray().Select(j => (string?)j!["prompt"]));

            var page = (await http.GetFromJsonAsync<JsonObject>("/jobs?limit=2"))!;
            Assert.Equal([ids[2], ids[1]], page["jobs"]!.AsArray().Select(j => (string)j!["job"]!["id"]!));
            var rest = (await http.GetFromJsonAsync<JsonObject>((string)page["next"]!))!;
            Assert.Equal([ids[0]], rest["jobs"]!.AsArray().Select(j => (string)j!["job"]!["id"]!));
            Assert.Null((string?)rest["next"]);
        }
    }

    [Fact]
    public async Task Previews_of_a_job_run_on_one_replica_stream_from_the_other()
    {
        var onA = new JobsClient(_apiA.CreateClient());
        var onB = new JobsClient(_apiB.CreateClient(TimeSpan.FromMinutes(2)));
        // Whichever replica takes it from the shared queue, B reads the previews from Redis, as every event.
        var id = await SubmitAsync(onA, "previews across replicas", previews: true);

        var frames = await JobPreviewsTests.ReadAllAsync(onB, id);

        Assert.Equal("succeeded", frames[^1].Event);
        var previews = frames.Where(f => f.Event == "preview").Select(f => JsonNode.Parse(f.Data!)!).ToList();
        Assert.Equal(Enumerable.Range(1, 5), previews.Select(p => (int)p["step"]!));
        foreach (var preview in previews)
        {
            var url = (string)preview["image"]!;
            Assert.StartsWith("data:image/jpeg;base64,", url);
            Assert.Equal((128, 128), JobPreviewsTests.JpegSize(Convert.FromBase64String(url["data:image/jpeg;base64,".Length..])));
        }
    }
}
