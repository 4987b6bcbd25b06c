using System.Text.Json.Nodes;

namespace FluxAspire.Tests.ComfySim.Discovery;

public sealed class DiscoverySimulator : IAsyncLifetime
{
    public SimulatorProcess Sim { get; private set; } = null!;

    public async Task InitializeAsync() => Sim = await SimulatorProcess.StartAsync();

    public async Task DisposeAsync() => await Sim.DisposeAsync();
}

/// <summary>The discovery endpoints against their captures: same status, content type and JSON shape.</summary>
public sealed class DiscoveryContractTests(DiscoverySimulator fixture) : IClassFixture<DiscoverySimulator>
{
    public static TheoryData<string> Kinds() =>
    [
        "http:get/system_stats", "http:stats_before_free", "http:stats_after_free", "http:get/features", "http:get/api/features",
        "http:get/models", "http:get/models/checkpoints", "http:get/models/bogus", "http:get/embeddings", "http:get/",
    ];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Answers_like_the_capture(string kind)
    {
        var capture = Captures.Get(kind);
        using var http = fixture.Sim.CreateClient();
        using var response = await http.GetAsync((string)capture["path"]!);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal((int)capture["status"]!, (int)response.StatusCode);
        Assert.Equal((string?)capture["content_type"], response.Content.Headers.ContentType?.ToString());
        if (capture["body"] is { } expected)
        {
            // argv differs in length (other flags); everything else keeps its exact shape.
            JsonShape.AssertSameShape(expected, JsonNode.Parse(text), new JsonShape.Options(SameLength: !kind.Contains("stats", StringComparison.Ordinal)));
        }
        else
        {
            Assert.Equal(string.Empty, text);
        }
    }

    [Theory]
    [InlineData("/models")]
    [InlineData("/models/checkpoints")]
    [InlineData("/features")]
    [InlineData("/embeddings")]
    public async Task Values_equal_the_capture_for_a_default_setup(string path)
    {
        using var http = fixture.Sim.CreateClient();
        var expected = Captures.Body("http:get" + path);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(await http.GetStringAsync(path))));
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(await http.GetStringAsync("/api" + path))));
    }

    [Fact]
    public async Task System_stats_is_honest_about_being_simulated()
    {
        using var http = fixture.Sim.CreateClient();
        var stats = JsonNode.Parse(await http.GetStringAsync("/system_stats"))!;
        Assert.Equal("0.3.64", (string?)stats["system"]!["comfyui_version"]);
        Assert.Contains("FluxAspire.ComfySim", (string?)stats["system"]!["python_version"]);
        Assert.Equal("cuda:0 FluxAspire ComfySim (simulated, no GPU)", (string?)stats["devices"]![0]!["name"]);
        Assert.Equal(24L * 1024 * 1024 * 1024, (long)stats["devices"]![0]!["vram_total"]!);
        Assert.Equal("main.py", (string?)stats["system"]!["argv"]![0]);
        Assert.Contains(fixture.Sim.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), stats["system"]!["argv"]!.AsArray().Select(a => (string?)a));
        Assert.True((long)stats["system"]!["ram_total"]! >= (long)stats["system"]!["ram_free"]! && (long)stats["system"]!["ram_free"]! > 0);
    }

    [Fact]
    public async Task Models_and_embeddings_are_read_from_disk_on_every_call()
    {
        var embeddings = Path.Combine(fixture.Sim.BaseDirectory, "models", "embeddings");
        Directory.CreateDirectory(Path.Combine(embeddings, "sub"));
        await File.WriteAllTextAsync(Path.Combine(embeddings, "sub", "style.safetensors"), "x");
        await File.WriteAllTextAsync(Path.Combine(embeddings, "notes.txt"), "x");
        await File.WriteAllTextAsync(Path.Combine(fixture.Sim.BaseDirectory, "models", "loras", "b.safetensors"), "x");
        await File.WriteAllTextAsync(Path.Combine(fixture.Sim.BaseDirectory, "models", "loras", "a.pt"), "x");

        using var http = fixture.Sim.CreateClient();
        Assert.Equal("""["sub/style"]""", await http.GetStringAsync("/embeddings"));
        Assert.Equal("""["a.pt","b.safetensors"]""", (await http.GetStringAsync("/models/loras")).Replace(" ", ""));
        Assert.Equal("[]", await http.GetStringAsync("/extensions"));
    }

    [Fact]
    public async Task View_metadata_returns_the_safetensors_metadata_or_404()
    {
        var header = """{"__metadata__":{"format":"pt","modelspec.title":"sim"},"w":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}"""u8.ToArray();
        var file = new byte[8 + header.Length + 2];
        BitConverter.TryWriteBytes(file.AsSpan(0, 8), (ulong)header.Length);
        header.CopyTo(file, 8);
        await File.WriteAllBytesAsync(Path.Combine(fixture.Sim.BaseDirectory, "models", "vae", "meta.safetensors"), file);

        using var http = fixture.Sim.CreateClient();
        Assert.Equal("""{"format":"pt","modelspec.title":"sim"}""", (await http.GetStringAsync("/view_metadata/vae?filename=meta.safetensors")).Replace(" ", ""));
        foreach (var path in (string[])["/view_metadata/checkpoints?filename=flux1-dev-fp8.safetensors", "/view_metadata/vae?filename=nope.safetensors",
                     "/view_metadata/bogus?filename=meta.safetensors", "/view_metadata/vae", "/api/view_metadata/vae?filename=meta.pt"])
        {
            using var response = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }
}
