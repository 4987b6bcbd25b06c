using FluxAspire.ComfySim;
using FluxAspire.ComfySim.Images;

namespace FluxAspire.Tests.ComfySim;

public class SimOptionsTests
{
    [Fact]
    public void Defaults_match_ComfyUI()
    {
        var options = SimOptions.Parse([]);
        Assert.Equal("127.0.0.1", options.Listen);
        Assert.Equal(8188, options.Port);
        Assert.Equal("none", options.PreviewMethod);
        Assert.Equal(0, options.StepMs);
        Assert.Equal(0, options.LoadMs);
        Assert.Equal(ImageKind.Picture, options.ImageKind);
    }

    [Fact]
    public void Parses_every_documented_flag()
    {
        var options = SimOptions.Parse(["--listen", "0.0.0.0", "--port", "9000", "--base-directory", "/b", "--output-directory", "/o",
            "--input-directory", "/i", "--preview-method", "latent2rgb", "--step-ms", "200", "--load-ms", "1500"]);
        Assert.Equal(("0.0.0.0", 9000, "/b", "/o", "/i", "latent2rgb", 200, 1500),
            (options.Listen, options.Port, options.BaseDirectory, options.OutputDirectory, options.InputDirectory,
             options.PreviewMethod, options.StepMs, options.LoadMs));
        Assert.Equal(ImageKind.Noise, SimOptions.Parse(["--image-kind", "noise"]).ImageKind);
        Assert.Equal(ImageKind.Picture, SimOptions.Parse(["--image-kind", "picture"]).ImageKind);
    }

    [Theory]
    [InlineData("--preview-method", "blurry")]
    [InlineData("--no-such-flag")]
    [InlineData("--step-ms", "-1")]
    [InlineData("--image-kind", "photo")]
    [InlineData("--image-kind")]
    public void Rejects_bad_flags(params string[] args) => Assert.Throws<ArgumentException>(() => SimOptions.Parse(args));
}
