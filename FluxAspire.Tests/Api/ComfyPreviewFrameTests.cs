using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using FluxAspire.Api.Pipeline.Comfy;

namespace FluxAspire.Tests.Api;

/// <summary>Reading ComfyUI's binary preview frames (protocol §7.4): the captured event-1 frame of real ComfyUI, and the
/// event-4 layout the API negotiates, and the step each preview is numbered with.</summary>
public class ComfyPreviewFrameTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.UnixEpoch;

    private static byte[] Captured => File.ReadAllBytes(RepoPaths.TestData("comfyui-captures", "preview-frames", "frame_A_0.bin"));

    private static byte[] WithMetadata(string metadata, byte[] image)
    {
        var json = Encoding.UTF8.GetBytes(metadata);
        var frame = new byte[8 + json.Length + image.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, 4);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)json.Length);
        json.CopyTo(frame, 8);
        image.CopyTo(frame, 8 + json.Length);
        return frame;
    }

    [Fact]
    public void A_captured_event_1_frame_is_a_jpeg_preview_of_the_prompt_the_socket_heard_of_last()
    {
        var frame = Captured;

        var message = ComfyPreviewFrame.TryParse(frame, "p-1", At)!;

        Assert.Equal(ComfyPreviewFrame.MessageType, message.Type);
        Assert.Equal(("p-1", "image/jpeg"), (message.PromptId, (string?)message.Data["image_type"]));
        Assert.Equal(frame[8..], message.Image);
        Assert.True(message.Image is [0xFF, 0xD8, ..]);
        // No prompt heard of yet: nobody to give it to.
        Assert.Null(ComfyPreviewFrame.TryParse(frame, null, At));
    }

    [Fact]
    public void An_event_4_frame_names_its_prompt_node_and_image_type()
    {
        var image = Captured[8..];
        var frame = WithMetadata(
            """{"node_id": "31", "prompt_id": "p-2", "display_node_id": "31", "parent_node_id": null, "real_node_id": "31", "image_type": "image/png"}""", image);

        var message = ComfyPreviewFrame.TryParse(frame, "someone-else", At)!;

        Assert.Equal(("p-2", "31", "image/png"), (message.PromptId, message.Node, (string?)message.Data["image_type"]));
        Assert.Equal(image, message.Image);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 0, 3, 0, 0, 0, 2, 0x33, 0x31, 0x68, 0x69 })] // event 3: progress text
    [InlineData(new byte[] { 0, 0, 0, 1, 0, 0, 0, 9, 0xFF, 0xD8 })]             // event 1 with an unknown image type
    [InlineData(new byte[] { 0, 0, 0, 4, 0, 0, 1, 0, 0x7B, 0x7D })]             // metadata longer than the frame
    [InlineData(new byte[] { 0, 0, 0, 1 })]                                     // too short
    public void Other_or_broken_frames_are_ignored(byte[] frame) => Assert.Null(ComfyPreviewFrame.TryParse(frame, "p-1", At));

    [Fact]
    public void An_event_4_frame_without_a_prompt_id_is_ignored() =>
        Assert.Null(ComfyPreviewFrame.TryParse(WithMetadata("""{"node_id": "31"}""", [0xFF, 0xD8]), "p-1", At));

    [Fact]
    public void A_preview_is_numbered_with_its_nodes_step_in_the_last_progress_state_else_the_last_progress()
    {
        var preview = ComfyPreviewFrame.TryParse(WithMetadata("""{"node_id": "31", "prompt_id": "p", "image_type": "image/jpeg"}""", [0xFF, 0xD8]), null, At)!;
        var state = new ComfyMessage("progress_state", JsonNode.Parse("""{"prompt_id": "p", "nodes": {"31": {"value": 4, "max": 20, "state": "running"}}}""")!.AsObject(), At);

        Assert.Equal((4, 20, "31"), ComfyPreview.From(preview, new ComfyProgress(3, 20, "31"), state) is { } a ? (a.Step, a.Max, a.Node) : default);
        Assert.Equal((3, 20, "31"), ComfyPreview.From(preview, new ComfyProgress(3, 20, "31"), null) is { } b ? (b.Step, b.Max, b.Node) : default);
        Assert.Null(ComfyPreview.From(state, null, null));
    }
}
