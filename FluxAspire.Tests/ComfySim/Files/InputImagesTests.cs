using FluxAspire.ComfySim.Execution;
using FluxAspire.ComfySim.Files;
using FluxAspire.ComfySim.Images;

namespace FluxAspire.Tests.ComfySim.Files;

public sealed class InputImagesTests : IDisposable
{
    private readonly TempFolders _temp = new();
    private readonly InputImages _inputs;

    public InputImagesTests() => _inputs = new InputImages(_temp.Folders);

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Loads_the_real_size_of_an_input_png()
    {
        var path = Path.Combine(_temp.Folders.InputDirectory, "probe.png");
        File.WriteAllBytes(path, new ImageRenderer().RenderPng(new SimImage(96, 40, 1, "x", 1, 1), 0, [], 4));

        Assert.True(_inputs.Exists("probe.png"));
        Assert.Equal(new SimImage(96, 40, 1, "", 0, 0, path), _inputs.Load("probe.png"));
    }

    [Fact]
    public void Annotated_names_pick_the_folder()
    {
        Directory.CreateDirectory(Path.Combine(_temp.Folders.OutputDirectory, "sub"));
        var path = Path.Combine(_temp.Folders.OutputDirectory, "sub", "out.png");
        File.WriteAllBytes(path, new ImageRenderer().RenderPng(new SimImage(32, 16, 1, "x", 1, 1), 0, [], 4));

        Assert.True(_inputs.Exists("sub/out.png [output]"));
        Assert.False(_inputs.Exists("sub/out.png"));
        Assert.Equal((32, 16, path), _inputs.Load("sub/out.png [output]") is var i ? (i.Width, i.Height, i.SourceFile) : default);
    }

    [Fact]
    public void A_file_that_is_not_an_image_fails_like_PIL()
    {
        var path = Path.Combine(_temp.Folders.InputDirectory, "bad.png");
        File.WriteAllText(path, "this is not a png\n");

        Assert.True(_inputs.Exists("bad.png"));
        var error = Assert.Throws<SimNodeException>(() => _inputs.Load("bad.png"));
        Assert.Equal(("PIL.UnidentifiedImageError", $"cannot identify image file '{path}'"), (error.ExceptionType, error.Message));
    }

    [Fact]
    public void A_missing_file_does_not_exist()
    {
        Assert.False(_inputs.Exists("nope.png"));
        Assert.Equal("FileNotFoundError", Assert.Throws<SimNodeException>(() => _inputs.Load("nope.png")).ExceptionType);
    }
}
