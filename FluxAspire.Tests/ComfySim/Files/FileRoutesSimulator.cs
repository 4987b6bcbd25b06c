using FluxAspire.ComfySim.Images;

namespace FluxAspire.Tests.ComfySim.Files;

/// <summary>
/// One simulator for the file-route contract tests, with ComfyUI_00001_.png in its output folder (a 1024² render with
/// the captured prompt/workflow text chunks), as the probe had when it called GET /view.
/// </summary>
public sealed class FileRoutesSimulator : IAsyncLifetime
{
    public static readonly KeyValuePair<string, string>[] TextChunks =
        [new("prompt", """{"6": {"inputs": {"text": "a red fox in the snow"}, "class_type": "CLIPTextEncode"}}"""), new("workflow", """{"note": "ui graph goes here"}""")];

    public SimulatorProcess Sim { get; private set; } = null!;

    public byte[] OutputPng { get; } = new ImageRenderer().RenderPng(new SimImage(1024, 1024, 1, "a red fox in the snow", 42, 20), 0, TextChunks, 4);

    public async Task InitializeAsync()
    {
        Sim = await SimulatorProcess.StartAsync();
        await File.WriteAllBytesAsync(Path.Combine(Sim.OutputDirectory, "ComfyUI_00001_.png"), OutputPng);
    }

    public async Task DisposeAsync() => await Sim.DisposeAsync();
}
