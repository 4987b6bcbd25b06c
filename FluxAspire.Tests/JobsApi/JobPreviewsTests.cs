using System.Buffers.Binary;
using System.Text.Json.Nodes;
using FluxAspire.Tests.Api.Integration;

namespace FluxAspire.Tests.JobsApi;

/// <summary>A simulator with latent2rgb previews at 30 ms per step, and an API that passes every preview on
/// (Jobs:PreviewInterval=0), so each step's preview can be counted.</summary>
public sealed class PreviewJobsEnvironment : IAsyncLifetime
{
    public SimulatorProcess Simulator { get; private set; } = null!;

    public ApiProcess Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Simulator = await SimulatorProcess.StartAsync("--step-ms", "30", "--preview-method", "latent2rgb", "--preview-size", "256");
        Api = await ApiProcess.StartAsync(Simulator.BaseAddress, new Dictionary<string, string> { ["Jobs__PreviewInterval"] = "00:00:00" });
    }

    public async Task DisposeAsync()
    {
        if (Api is not null) await Api.DisposeAsync();
        if (Simulator is not null) await Simulator.DisposeAsync();
    }
}

/// <summary>"previews": true in POST /jobs: one SSE "preview" event per sampler step, with the simulator's JPEG as a data
/// URL; without it the stream is exactly as before, although ComfyUI sends the same frames.</summary>
public sealed class JobPreviewsTests(PreviewJobsEnvironment env) : IClassFixture<PreviewJobsEnvironment>
{
    private readonly JobsClient _jobs = new(env.Api.CreateClient(TimeSpan.FromMinutes(2)));

    internal static async Task<List<SseFrame>> ReadAllAsync(JobsClient jobs, string id)
    {
        using var response = await jobs.OpenEventsAsync(id);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new SseReader(await response.Content.ReadAsStreamAsync());
        var frames = new List<SseFrame>();
        while (await reader.NextEventAsync() is { } frame)
        {
            frames.Add(frame);
        }

        return frames;
    }

    /// <summary>The width and height in a baseline or progressive JPEG's SOF segment.</summary>
    internal static (int Width, int Height) JpegSize(byte[] jpeg)
    {
        Assert.True(jpeg is [0xFF, 0xD8, ..], "not a JPEG");
        for (var i = 2; i + 9 < jpeg.Length;)
        {
            Assert.Equal(0xFF, jpeg[i]);
            var marker = jpeg[i + 1];
            var length = BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(i + 2));
            if (marker is 0xC0 or 0xC1 or 0xC2)
            {
                return (BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(i + 7)), BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(i + 5)));
            }

            i += 2 + length;
        }

        throw new Xunit.Sdk.XunitException("no SOF segment in the JPEG");
    }

    [Fact]
    public async Task With_previews_on_every_step_has_a_preview_event_with_a_jpeg_data_url()
    {
        var submitted = await _jobs.SubmitAsync(new JsonObject { ["prompt"] = TestGraphs.Flux(512, 384, steps: 12), ["previews"] = true });
        Assert.Equal(HttpStatusCode.Accepted, submitted.Status);
        var id = (string)submitted.Body["id"]!;

        var frames = await ReadAllAsync(_jobs, id);

        Assert.Equal("succeeded", frames[^1].Event);
        var previews = frames.Where(f => f.Event == "preview").Select(f => JsonNode.Parse(f.Data!)!.AsObject()).ToList();
        Assert.Equal(Enumerable.Range(1, 12), previews.Select(p => (int)p["step"]!));
        foreach (var preview in previews)
        {
            Assert.Equal(["step", "max", "node", "image"], preview.Select(p => p.Key));
            Assert.Equal((12, "31"), ((int)preview["max"]!, (string?)preview["node"]));
            var url = (string)preview["image"]!;
            Assert.StartsWith("data:image/jpeg;base64,", url);
            // --preview-size 256: the latent's preview fits a 256 box, as ComfyUI's latent2rgb does.
            Assert.Equal((256, 192), JpegSize(Convert.FromBase64String(url["data:image/jpeg;base64,".Length..])));
        }

        // Each preview comes in step order with the progress events, before the job's end.
        var order = frames.Where(f => f.Event is "progress" or "preview").Select(f => f.Event).ToList();
        Assert.Equal(24, order.Count);
        Assert.True(frames.FindLastIndex(f => f.Event == "preview") < frames.Count - 1);
    }

    [Fact]
    public async Task Without_previews_the_stream_has_no_preview_events()
    {
        var id = (string)(await _jobs.SubmitAsync(new JsonObject { ["prompt"] = TestGraphs.Flux(256, 256, steps: 6) })).Body["id"]!;

        var frames = await ReadAllAsync(_jobs, id);

        Assert.Equal(["snapshot", "status", "status", .. Enumerable.Repeat("progress", 6), "succeeded"], frames.Select(f => f.Event));
    }

    [Fact]
    public async Task A_workflow_job_with_previews_has_previews_too()
    {
        var id = (string)(await _jobs.SubmitAsync(new JsonObject
        {
            ["workflow"] = "text2img",
            ["input"] = new JsonObject { ["prompt"] = "a lighthouse", ["steps"] = 4, ["width"] = 512, ["height"] = 512 },
            ["previews"] = true,
        })).Body["id"]!;

        var frames = await ReadAllAsync(_jobs, id);

        Assert.Equal(4, frames.Count(f => f.Event == "preview"));
        Assert.Equal("succeeded", frames[^1].Event);
    }

    [Fact]
    public async Task After_the_end_a_replay_from_the_start_leaves_the_previews_out()
    {
        // 20 steps (≥ 0.6 s): the first reader connects while the job runs, so it sees the previews.
        var id = (string)(await _jobs.SubmitAsync(new JsonObject { ["prompt"] = TestGraphs.Flux(256, 256, steps: 20), ["previews"] = true })).Body["id"]!;
        Assert.Equal(20, (await ReadAllAsync(_jobs, id)).Count(f => f.Event == "preview"));

        // The final image replaced them: a late reader gets the job's story, not its megabytes of previews.
        var replay = await ReadAllAsync(_jobs, id);

        Assert.Equal(0, replay.Count(f => f.Event == "preview"));
        Assert.Equal(20, replay.Count(f => f.Event == "progress"));
        Assert.Equal("succeeded", replay[^1].Event);
    }

    [Theory]
    [InlineData("\"yes\"")]
    [InlineData("1")]
    public async Task A_previews_value_that_is_not_a_boolean_is_a_400_naming_it(string value)
    {
        var answer = await _jobs.SubmitAsync($$"""{"workflow":"text2img","input":{"prompt":"x"},"previews":{{value}}}""");

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(["must be true or false"], answer.Body["errors"]!["previews"]!.AsArray().Select(e => (string?)e));
    }
}
