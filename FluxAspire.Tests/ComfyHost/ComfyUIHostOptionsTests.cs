using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;

namespace FluxAspire.Tests.ComfyHost;

/// <summary>The settings of the container and executable modes and the model list.</summary>
public sealed class ComfyUIHostOptionsTests
{
    [Fact]
    public void Defaults_for_the_real_comfyui_modes()
    {
        var options = ComfyUIHostOptions.From(Config());

        Assert.Equal(["--disable-api-nodes", "--preview-method", "latent2rgb"], options.Args);
        Assert.Equal("python3", options.Python);
        Assert.True(options.DownloadModels);
        Assert.Equal([ModelFile.FluxDevFp8Checkpoint], options.Models);
        Assert.Equal(
            Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "fluxaspire", "comfyui-models"),
            options.ModelsPath);
    }

    [Fact]
    public void Executable_mode_needs_a_path()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ComfyUIHostOptions.From(Config(("ComfyUI:Mode", "executable"))));

        Assert.Equal("ComfyUI:Mode is executable, so ComfyUI:Path must name a ComfyUI checkout (the folder with main.py)", error.Message);
    }

    [Theory]
    [InlineData("ComfyUI:DownloadModels", "maybe", "ComfyUI:DownloadModels 'maybe' must be true or false")]
    [InlineData("ComfyUI:Models:0:Path", "checkpoints/x.safetensors", "ComfyUI:Models:0:Url is required")]
    [InlineData("ComfyUI:Models:0:Url", "ftp://host/x.safetensors", "ComfyUI:Models:0:Url 'ftp://host/x.safetensors' is not an absolute http(s) URL")]
    [InlineData("ComfyUI:Models:0:Url", "x.safetensors", "ComfyUI:Models:0:Url 'x.safetensors' is not an absolute http(s) URL")]
    public void Bad_values_fail_with_a_message_naming_the_key(string key, string value, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ComfyUIHostOptions.From(Config((key, value))));

        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("Path", "../secrets.safetensors", "ComfyUI:Models:0:Path '../secrets.safetensors' must be a relative path inside the models folder, such as checkpoints/model.safetensors")]
    [InlineData("Path", "/etc/x.safetensors", "ComfyUI:Models:0:Path '/etc/x.safetensors' must be a relative path inside the models folder, such as checkpoints/model.safetensors")]
    [InlineData("Sha256", "abc", "ComfyUI:Models:0:Sha256 'abc' is not 64 hexadecimal digits")]
    [InlineData("Size", "-5", "ComfyUI:Models:0:Size '-5' must be a whole number of bytes")]
    public void Bad_model_entries_fail_with_a_message_naming_the_key(string field, string value, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ComfyUIHostOptions.From(Config(
            ("ComfyUI:Models:0:Url", "https://example.test/x.safetensors"), ($"ComfyUI:Models:0:{field}", value))));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void A_model_entry_takes_url_path_sha256_and_size()
    {
        var sha = new string('C', 64);

        var options = ComfyUIHostOptions.From(Config(
            ("ComfyUI:Models:0:Url", "https://example.test/flux.safetensors"),
            ("ComfyUI:Models:0:Path", "diffusion_models/flux.safetensors"),
            ("ComfyUI:Models:0:Sha256", sha),
            ("ComfyUI:Models:0:Size", "1234")));

        Assert.Equal([new ModelFile(new Uri("https://example.test/flux.safetensors"), "diffusion_models/flux.safetensors", sha.ToLowerInvariant(), 1234)], options.Models);
    }

    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();
}
