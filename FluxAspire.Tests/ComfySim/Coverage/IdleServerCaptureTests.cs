using System.Text.Json.Nodes;
using FluxAspire.Tests.ComfySim.Execution;
using FluxAspire.Tests.ComfySim.Validation;

namespace FluxAspire.Tests.ComfySim.Coverage;

/// <summary>
/// The captures taken before the probe ran anything: a fresh simulator (no prompt is ever queued in this class)
/// must answer them with the captured status, content type and body.
/// </summary>
public sealed class IdleServerCaptureTests(FastSimulatorFixture fixture) : IClassFixture<FastSimulatorFixture>
{
    private readonly SimulatorProcess _sim = fixture.Sim;

    public static TheoryData<string> CapturedClassKinds => [.. Captures.WithPrefix("http:object_info/").Select(r => (string)r["kind"]!)];

    [Theory]
    [InlineData("http:get/history")]
    [InlineData("http:get/api/prompt")]
    [InlineData("http:history_unknown")]
    public async Task Idle_endpoints_answer_exactly_as_captured(string kind)
    {
        using var http = _sim.CreateClient();
        var text = await CapturedResponse.ReplayAsync(http, kind);
        Assert.True(JsonNode.DeepEquals(Captures.Body(kind), JsonNode.Parse(text)), $"{kind}: {text}");
    }

    [Theory]
    [MemberData(nameof(CapturedClassKinds))]
    public async Task Each_captured_class_is_served_over_http_as_captured(string kind)
    {
        using var http = _sim.CreateClient();
        var text = await CapturedResponse.ReplayAsync(http, kind);
        // Same folders as the probe had: the default checkpoint, an empty input folder, no other models.
        CapturedValidationTests.AssertJsonEqual(Captures.Body(kind), JsonNode.Parse(text));
    }

    [Fact]
    public async Task Full_object_info_has_the_captured_377_class_names()
    {
        using var http = _sim.CreateClient();
        var text = await CapturedResponse.ReplayAsync(http, "http:object_info_full");
        var summary = Captures.Get("object_info_summary");
        var classes = JsonNode.Parse(text)!.AsObject();

        Assert.Equal(377, (int)summary["count"]!);
        Assert.Equal((int)summary["count"]!, classes.Count);
        // The summary lists the names sorted; the response keeps ComfyUI's registration order.
        Assert.Equal(summary["names"]!.AsArray().Select(n => (string)n!), classes.Select(p => p.Key).Order(StringComparer.Ordinal));
    }
}
