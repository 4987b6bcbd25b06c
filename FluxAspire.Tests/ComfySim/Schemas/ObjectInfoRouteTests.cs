using System.Text.Json.Nodes;
using FluxAspire.Tests.ComfySim.Validation;

namespace FluxAspire.Tests.ComfySim.Schemas;

public sealed class SimulatorFixture : IAsyncLifetime
{
    public SimulatorProcess Sim { get; private set; } = null!;

    public async Task InitializeAsync() => Sim = await SimulatorProcess.StartAsync();

    public async Task DisposeAsync() => await Sim.DisposeAsync();
}

/// <summary>GET /object_info and /object_info/{class} on a real simulator process, at / and /api.</summary>
public sealed class ObjectInfoRouteTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private readonly HttpClient _http = fixture.Sim.CreateClient();

    [Theory]
    [InlineData("/object_info")]
    [InlineData("/api/object_info")]
    public async Task Full_object_info_has_every_class(string path)
    {
        using var response = await _http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal(377, body.Count);
        Assert.Equal("KSampler", body.First().Key);
        Assert.Equal("""["flux1-dev-fp8.safetensors"]""", body["CheckpointLoaderSimple"]!["input"]!["required"]!["ckpt_name"]![0]!.ToJsonString());
    }

    [Theory]
    [InlineData("/object_info/KSampler")]
    [InlineData("/api/object_info/KSampler")]
    public async Task One_class_equals_the_capture(string path)
    {
        using var response = await _http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync());
        JsonShape.AssertSameShape(Captures.Body("http:object_info/KSampler"), body);
        CapturedValidationTests.AssertJsonEqual(Captures.Body("http:object_info/KSampler"), body);
    }

    [Theory]
    [InlineData("/object_info/NoSuchNode")]
    [InlineData("/api/object_info/NoSuchNode")]
    public async Task Unknown_class_is_an_empty_object(string path)
    {
        using var response = await _http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Captures.Get("http:get/object_info/NoSuchNode")["content_type"]!.GetValue<string>(), response.Content.Headers.ContentType!.ToString());
        Assert.Equal("{}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_model_copied_in_while_running_is_listed()
    {
        // loras, not checkpoints: the fixture is shared and other tests expect only the default checkpoint.
        var before = JsonNode.Parse(await _http.GetStringAsync("/object_info/LoraLoader"))!;
        Assert.Equal("[]", before["LoraLoader"]!["input"]!["required"]!["lora_name"]![0]!.ToJsonString());

        TempComfyFolders.Touch(Path.Combine(fixture.Sim.BaseDirectory, "models", "loras", "copied-in.safetensors"));

        var after = JsonNode.Parse(await _http.GetStringAsync("/object_info/LoraLoader"))!;
        Assert.Equal("""["copied-in.safetensors"]""", after["LoraLoader"]!["input"]!["required"]!["lora_name"]![0]!.ToJsonString());
    }
}
