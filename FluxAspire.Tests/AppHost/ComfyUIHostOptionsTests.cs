using Aspire.Hosting;
using Microsoft.Extensions.Configuration;

namespace FluxAspire.Tests.AppHost;

public sealed class ComfyUIHostOptionsTests
{
    [Fact]
    public void Defaults_to_auto_with_the_simulator_at_a_pace_a_person_can_watch()
    {
        var options = ComfyUIHostOptions.From(Config());

        Assert.Equal((ComfyUIMode.Auto, null, 120, "picture"), (options.Mode, options.Url, options.SimulatorStepMs, options.SimulatorImageKind));
    }

    [Theory]
    [InlineData("external")]
    [InlineData("External")]
    [InlineData("EXTERNAL")]
    public void Mode_names_are_case_insensitive(string mode)
    {
        var options = ComfyUIHostOptions.From(Config(("ComfyUI:Mode", mode), ("ComfyUI:Url", "http://10.0.0.5:8188")));

        Assert.Equal(ComfyUIMode.External, options.Mode);
        Assert.Equal(new Uri("http://10.0.0.5:8188"), options.Url);
    }

    [Theory]
    [InlineData("ComfyUI:Mode", "gpu", "ComfyUI:Mode 'gpu' is not one of: auto, simulator, container, external, executable")]
    [InlineData("ComfyUI:Mode", "7", "ComfyUI:Mode '7' is not one of: auto, simulator, container, external, executable")]
    [InlineData("ComfyUI:Mode", "1", "ComfyUI:Mode '1' is not one of: auto, simulator, container, external, executable")]
    [InlineData("ComfyUI:Url", "gpu-box:8188", "ComfyUI:Url 'gpu-box:8188' is not an absolute http(s) URL")]
    [InlineData("ComfyUI:Url", "ftp://gpu-box", "ComfyUI:Url 'ftp://gpu-box' is not an absolute http(s) URL")]
    [InlineData("ComfyUI:SimulatorStepMs", "-1", "ComfyUI:SimulatorStepMs '-1' must be a whole number >= 0")]
    [InlineData("ComfyUI:SimulatorStepMs", "fast", "ComfyUI:SimulatorStepMs 'fast' must be a whole number >= 0")]
    [InlineData("ComfyUI:SimulatorImageKind", "photo", "ComfyUI:SimulatorImageKind 'photo' is not one of: picture, noise")]
    public void Bad_values_fail_with_a_message_naming_the_key(string key, string value, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ComfyUIHostOptions.From(Config((key, value))));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void External_mode_needs_a_url()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ComfyUIHostOptions.From(Config(("ComfyUI:Mode", "external"))));

        Assert.Equal("ComfyUI:Mode is external, so ComfyUI:Url must name the ComfyUI to use", error.Message);
    }

    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();
}
