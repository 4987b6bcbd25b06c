using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using FluxAspire.Api.Pipeline.Comfy;
using FluxAspire.Api.Pipeline.Jobs;
using FluxAspire.Api.Pipeline.Outputs;
using FluxAspire.Api.Pipeline.Prompts;
using FluxAspire.Api.Pipeline.Workflows;

namespace FluxAspire.MicroBench;

/// <summary>The API's per-request work that does not wait on anything: graph, WebSocket messages, the response.</summary>
public class HotPathBenchmarks
{
    /// <summary>A real FLUX.1-dev PNG is 1.2–2.6 MB of incompressible bytes at 1024²; random bytes cost base64 the same.</summary>
    public const int PngBytes = 1_700_000;

    /// <summary>What minimal APIs write results with, as the API configures it (AddApiErrors: strict numbers, the
    /// JSON.stringify encoder).</summary>
    private static readonly JsonSerializerOptions ResponseJson = new(new Microsoft.AspNetCore.Http.Json.JsonOptions().SerializerOptions)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict,
        Encoder = FluxAspire.Api.Delivery.JsonStringifyEncoder.Instance,
    };

    private WorkflowDefinition _text2img = null!;
    private JsonObject _input = null!;
    private JobResult _result = null!;
    private byte[] _progressFrame = null!;
    private byte[] _executedFrame = null!;
    private ComfyPromptEvents _events = null!;
    private ComfyPromptEvents.Subscription _subscription = null!;

    [GlobalSetup]
    public void Setup()
    {
        var workflows = Path.Combine(AppContext.BaseDirectory, "workflows");
        _text2img = WorkflowDefinitionReader.Read("text2img", Path.Combine(workflows, "text2img.params.json"), Path.Combine(workflows, "text2img.json"));
        _input = new JsonObject
        {
            ["prompt"] = "A beautiful sunset over the ocean", ["width"] = 1024, ["height"] = 1024, ["seed"] = 42, ["steps"] = 20,
            ["cfg_scale"] = 1, ["sampler_name"] = "euler", ["scheduler"] = "simple", ["denoise"] = 1, ["guidance"] = 3.5,
            ["checkpoint"] = "flux1-dev-fp8.safetensors",
        };
        var png = new byte[PngBytes];
        new Random(42).NextBytes(png);
        var graph = _text2img.Build(_input);
        _result = new JobResult("d19fcb03-8ff0-4973-ad5a-9fa1ad2e4a7f", graph, [new JobOutputFile("9", "ComfyUI_00001_.png", png)],
            new JobStats(1795661994801, 1795661998926, new Dictionary<string, long> { ["30"] = 1795661994802, ["31"] = 1795661995000 },
                TimeSpan.FromMilliseconds(1.2), TimeSpan.FromSeconds(4.1), TimeSpan.FromMilliseconds(20), TimeSpan.Zero, TimeSpan.FromSeconds(4.2)));
        // Frames as ComfyUI 0.3.64 sends them (captured): one per sampler step, and the SaveImage node's output.
        _progressFrame = Encoding.UTF8.GetBytes("""{"type": "progress", "data": {"value": 7, "max": 20, "prompt_id": "d19fcb03-8ff0-4973-ad5a-9fa1ad2e4a7f", "node": "31"}}""");
        _executedFrame = Encoding.UTF8.GetBytes("""{"type": "executed", "data": {"node": "9", "display_node": "9", "output": {"images": [{"filename": "ComfyUI_00008_.png", "subfolder": "", "type": "output"}]}, "prompt_id": "d19fcb03-8ff0-4973-ad5a-9fa1ad2e4a7f"}}""");
        _events = new ComfyPromptEvents();
        _subscription = _events.Subscribe("d19fcb03-8ff0-4973-ad5a-9fa1ad2e4a7f");
    }

    [GlobalCleanup]
    public void Cleanup() => _subscription.Dispose();

    /// <summary>The text2img graph from the workflow definition, every parameter filled.</summary>
    [Benchmark]
    public JsonObject Graph_from_workflow_definition() => _text2img.Build(_input);

    /// <summary>One progress frame from the socket's bytes to the waiting job's channel.</summary>
    [Benchmark]
    public bool WebSocket_progress_message_dispatch() => Dispatch(_progressFrame);

    [Benchmark]
    public bool WebSocket_executed_message_dispatch() => Dispatch(_executedFrame);

    /// <summary>The 200 body of a synchronous request with one 1.7 MB PNG, written as the API writes it (PromptResponseBody's
    /// fields, base64 in segments straight to the stream).</summary>
    [Benchmark]
    public async Task<long> Response_with_a_1_7_MB_png()
    {
        var body = new CountingStream();
        await JsonBodyWriter.WriteObjectAsync(body, new PromptResponseBody(_result).Fields(), ResponseJson, CancellationToken.None);
        return body.Length;
    }

    private bool Dispatch(byte[] frame)
    {
        // What ComfyWebSocket does with a whole text frame.
        if (ComfyMessage.TryParse(Encoding.UTF8.GetString(frame), DateTimeOffset.UtcNow) is not { } message)
        {
            return false;
        }

        _events.Publish(message);
        return _subscription.Reader.TryRead(out _);
    }

    /// <summary>A response body that only counts: the cost measured is the serializer's, not a socket's.</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => _length += count;

        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _length += buffer.Length;
            return ValueTask.CompletedTask;
        }

        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
