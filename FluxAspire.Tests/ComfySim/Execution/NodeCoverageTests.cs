using System.Buffers.Binary;
using System.Text.Json.Nodes;
using static FluxAspire.Tests.ComfySim.Execution.SimRequests;

namespace FluxAspire.Tests.ComfySim.Execution;

/// <summary>
/// Graphs beyond the FLUX one, on a real simulator: every core node whose outputs the simulator can make runs, with
/// images, latents and masks of the size ComfyUI would give them; one it cannot run answers execution_error, never a 500.
/// </summary>
public sealed class NodeCoverageTests(FastSimulatorFixture fixture) : IClassFixture<FastSimulatorFixture>
{
    private readonly SimulatorProcess _sim = fixture.Sim;

    [Fact]
    public async Task EmptyImage_to_SaveImage_saves_every_image_of_the_batch_at_the_given_size()
    {
        var prefix = Prefix();
        var run = await RunAsync("""
            {"1": {"class_type": "EmptyImage", "inputs": {"width": 320, "height": 200, "batch_size": 2, "color": 0}},
             "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "PREFIX"}}}
            """, prefix);

        Assert.Equal([$"{prefix}_00001_.png", $"{prefix}_00002_.png"], run.SavedFiles("2"));
        Assert.All(run.SavedFiles("2"), name => Assert.Equal((320, 200), PngSize(name)));
    }

    [Fact]
    public async Task An_image_chain_resizes_as_ComfyUI_does()
    {
        var prefix = Prefix();
        // 640×480 → invert (same size) → scale to width 320 keeping the aspect (height 0) → pad 8 left, 16 right → save.
        var run = await RunAsync("""
            {"1": {"class_type": "EmptyImage", "inputs": {"width": 640, "height": 480, "batch_size": 1, "color": 16777215}},
             "2": {"class_type": "ImageInvert", "inputs": {"image": ["1", 0]}},
             "3": {"class_type": "ImageScale", "inputs": {"image": ["2", 0], "upscale_method": "bilinear", "width": 320, "height": 0, "crop": "disabled"}},
             "4": {"class_type": "ImagePadForOutpaint", "inputs": {"image": ["3", 0], "left": 8, "top": 0, "right": 16, "bottom": 0, "feathering": 0}},
             "5": {"class_type": "ImageCrop", "inputs": {"image": ["4", 0], "width": 300, "height": 1000, "x": 10, "y": 40}},
             "6": {"class_type": "ImageBlend", "inputs": {"image1": ["5", 0], "image2": ["1", 0], "blend_factor": 0.5, "blend_mode": "normal"}},
             "7": {"class_type": "SaveImage", "inputs": {"images": ["6", 0], "filename_prefix": "PREFIX"}},
             "8": {"class_type": "MaskToImage", "inputs": {"mask": ["4", 1]}},
             "9": {"class_type": "SaveImage", "inputs": {"images": ["8", 0], "filename_prefix": "PREFIX_mask"}}}
            """, prefix);

        // 320×240 padded to 344×240; the crop from (10, 40) is clamped to the picture: 300×200.
        Assert.Equal((300, 200), PngSize(Assert.Single(run.SavedFiles("7"))));
        Assert.Equal((344, 240), PngSize(Assert.Single(run.SavedFiles("9"))));
    }

    [Fact]
    public async Task A_latent_chain_decodes_to_the_upscaled_size()
    {
        var prefix = Prefix();
        var run = await RunAsync("""
            {"1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "flux1-dev-fp8.safetensors"}},
             "2": {"class_type": "EmptySD3LatentImage", "inputs": {"width": 512, "height": 384, "batch_size": 3}},
             "3": {"class_type": "LatentUpscaleBy", "inputs": {"samples": ["2", 0], "upscale_method": "bilinear", "scale_by": 1.5}},
             "4": {"class_type": "LatentFromBatch", "inputs": {"samples": ["3", 0], "batch_index": 1, "length": 5}},
             "5": {"class_type": "VAEDecode", "inputs": {"samples": ["4", 0], "vae": ["1", 2]}},
             "6": {"class_type": "SaveImage", "inputs": {"images": ["5", 0], "filename_prefix": "PREFIX"}}}
            """, prefix);

        // 768×576; from index 1 of a batch of 3, at most 2 latents are left.
        var files = run.SavedFiles("6");
        Assert.Equal(2, files.Count);
        Assert.All(files, name => Assert.Equal((768, 576), PngSize(name)));
    }

    [Fact]
    public async Task Values_flow_between_nodes_by_type()
    {
        var prefix = Prefix();
        // GetImageSize's INT outputs feed another EmptyImage, swapped; a PrimitiveString names the file.
        var run = await RunAsync("""
            {"1": {"class_type": "EmptyImage", "inputs": {"width": 300, "height": 200, "batch_size": 1, "color": 0}},
             "2": {"class_type": "GetImageSize", "inputs": {"image": ["1", 0]}},
             "3": {"class_type": "EmptyImage", "inputs": {"width": ["2", 1], "height": ["2", 0], "batch_size": 1, "color": 0}},
             "4": {"class_type": "PrimitiveString", "inputs": {"value": "PREFIX"}},
             "5": {"class_type": "SaveImage", "inputs": {"images": ["3", 0], "filename_prefix": ["4", 0]}},
             "6": {"class_type": "SolidMask", "inputs": {"value": 1.0, "width": 96, "height": 64}},
             "7": {"class_type": "MaskToImage", "inputs": {"mask": ["6", 0]}},
             "8": {"class_type": "PreviewImage", "inputs": {"images": ["7", 0]}}}
            """, prefix);

        Assert.Equal((200, 300), PngSize(Assert.Single(run.SavedFiles("5"))));
        var preview = Assert.Single(run.Outputs["8"]!["images"]!.AsArray())!;
        Assert.Equal("temp", (string?)preview["type"]);
        Assert.Equal((96, 64), PngSize(Path.Combine(_sim.TempDirectory, (string)preview["filename"]!)));
    }

    [Fact]
    public async Task A_node_it_cannot_run_answers_execution_error_as_ComfyUI_does_and_later_prompts_still_run()
    {
        using var http = _sim.CreateClient();
        await using var socket = await SimSocket.ConnectAsync(_sim);
        // RecordAudio's AUDIO_RECORD is the frontend's microphone recording: a constant is nothing the simulator can play.
        var request = new JsonObject
        {
            ["client_id"] = socket.ClientId,
            ["prompt"] = JsonNode.Parse("""
                {"1": {"class_type": "RecordAudio", "inputs": {"audio": "recording.wav"}},
                 "2": {"class_type": "PreviewAudio", "inputs": {"audio": ["1", 0]}}}
                """),
        };
        var (status, text) = await PostAsync(http, "/prompt", request);
        Assert.Equal(HttpStatusCode.OK, status); // it validates, as in ComfyUI: the failure comes at run time
        var id = (string)JsonNode.Parse(text)!["prompt_id"]!;
        await socket.WaitForDoneAsync(id);

        Assert.Equal(["status", "status", "execution_start", "execution_cached", "progress_state", "executing:1", "execution_error", "status", "executing:null"],
            socket.Tokens);
        var error = socket.Messages.Single(m => m.Type == "execution_error").Data;
        var captured = Captures.Get("ws:run_runtime_error")["messages"]!.AsArray().Select(m => m!["json"]).First(j => (string?)j?["type"] == "execution_error")!;
        Assert.Equal(captured["data"]!.AsObject().Select(p => p.Key), error.Select(p => p.Key));
        Assert.Equal((id, "1", "RecordAudio", "NotImplementedError"),
            ((string?)error["prompt_id"], (string?)error["node_id"], (string?)error["node_type"], (string?)error["exception_type"]));
        Assert.StartsWith("ComfySim cannot run RecordAudio: its input 'audio' was given the constant 'recording.wav'", (string?)error["exception_message"]);
        Assert.EndsWith("\n", (string?)error["exception_message"]);
        Assert.NotEmpty(error["traceback"]!.AsArray().Select(f => (string)f!));
        Assert.Equal("""{"audio":["recording.wav"]}""", error["current_inputs"]!.ToJsonString());
        Assert.Equal("""["1","2"]""", error["current_outputs"]!.ToJsonString());
        Assert.Equal("[]", error["executed"]!.ToJsonString());

        var entry = (await GetJsonAsync(http, $"/history/{id}"))[id]!;
        Assert.Equal(("error", false), ((string?)entry["status"]!["status_str"], (bool)entry["status"]!["completed"]!));
        Assert.Equal("{}", entry["outputs"]!.ToJsonString());
        var messages = entry["status"]!["messages"]!.AsArray();
        Assert.Equal(["execution_start", "execution_cached", "execution_error"], messages.Select(m => m![0]!.GetValue<string>()));
        Assert.Equal(error.ToJsonString(), messages[2]![1]!.ToJsonString());

        // The worker carries on.
        var prefix = Prefix();
        var next = await RunAsync("""
            {"1": {"class_type": "EmptyImage", "inputs": {"width": 64, "height": 32, "batch_size": 1, "color": 0}},
             "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "PREFIX"}}}
            """, prefix);
        Assert.Equal((64, 32), PngSize(Assert.Single(next.SavedFiles("2"))));
    }

    private static string Prefix() => "cover_" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Queues the graph (PREFIX replaced) with a socket attached and waits for it; asserts it succeeded.</summary>
    private async Task<Run> RunAsync(string graph, string prefix)
    {
        using var http = _sim.CreateClient();
        await using var socket = await SimSocket.ConnectAsync(_sim);
        var id = await QueueAsync(http, new JsonObject { ["client_id"] = socket.ClientId, ["prompt"] = JsonNode.Parse(graph.Replace("PREFIX", prefix, StringComparison.Ordinal)) });
        await socket.WaitForDoneAsync(id);
        var entry = (await GetJsonAsync(http, $"/history/{id}"))[id]!;
        var error = socket.Messages.FirstOrDefault(m => m.Type == "execution_error")?.Data.ToJsonString();
        Assert.True((string?)entry["status"]!["status_str"] == "success", $"the prompt failed: {error}");
        Assert.Contains("execution_success", socket.Tokens);
        return new Run(entry["outputs"]!.AsObject());
    }

    /// <summary>Width and height from the PNG's IHDR.</summary>
    private (int Width, int Height) PngSize(string nameOrPath)
    {
        var bytes = File.ReadAllBytes(Path.IsPathRooted(nameOrPath) ? nameOrPath : Path.Combine(_sim.OutputDirectory, nameOrPath));
        return (BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }

    private sealed record Run(JsonObject Outputs)
    {
        /// <summary>The file names a SaveImage node reports (all in the output folder's root here).</summary>
        public IReadOnlyList<string> SavedFiles(string nodeId) =>
            [.. Outputs[nodeId]!["images"]!.AsArray().Select(image =>
            {
                Assert.Equal(("output", ""), ((string?)image!["type"], (string?)image["subfolder"]));
                return (string)image["filename"]!;
            })];
    }
}
