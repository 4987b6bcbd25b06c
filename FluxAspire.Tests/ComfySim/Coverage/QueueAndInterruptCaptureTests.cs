using System.Text.Json.Nodes;
using FluxAspire.Tests.ComfySim.Execution;
using static FluxAspire.Tests.ComfySim.Execution.SimRequests;

namespace FluxAspire.Tests.ComfySim.Coverage;

/// <summary>
/// The probe's interrupt and queue steps replayed request by request (captured bodies, 3000-step prompts on 50 ms steps):
/// every answer has the captured status, content type and body.
/// </summary>
public sealed class QueueAndInterruptCaptureTests(SlowSimulatorFixture fixture) : IClassFixture<SlowSimulatorFixture>
{
    private readonly SimulatorProcess _sim = fixture.Sim;

    [Fact]
    public async Task Interrupt_requests_answer_as_captured()
    {
        using var http = _sim.CreateClient();
        await using var socket = await SimSocket.ConnectAsync(_sim);
        var id = (string)JsonNode.Parse(await CapturedResponse.ReplayAsync(http, "http:post_long_for_interrupt", socket.ClientId))!["prompt_id"]!;
        await socket.WaitForAsync(m => m.Type == "progress", TimeSpan.FromSeconds(20));

        await CapturedResponse.ReplayAsync(http, "http:interrupt_wrong_id");
        var progressed = socket.Messages.Count(m => m.Type == "progress");
        await socket.WaitForAsync(m => m.Type == "progress" && socket.Messages.Count(p => p.Type == "progress") > progressed + 1, TimeSpan.FromSeconds(10));
        Assert.DoesNotContain("execution_interrupted", socket.Tokens);

        var whileRunning = await CapturedResponse.ReplayAsync(http, "http:get_prompt_while_running");
        Assert.True(JsonNode.DeepEquals(Captures.Body("http:get_prompt_while_running"), JsonNode.Parse(whileRunning)), whileRunning);

        await CapturedResponse.ReplayAsync(http, "http:interrupt_global");
        await socket.WaitForDoneAsync(id);
        Assert.Contains("execution_interrupted", socket.Tokens);
    }

    [Fact]
    public async Task Queue_requests_answer_as_captured()
    {
        using var http = _sim.CreateClient();
        await using var socket = await SimSocket.ConnectAsync(_sim);
        var running = (string)JsonNode.Parse(await CapturedResponse.ReplayAsync(http, "http:q_long", socket.ClientId))!["prompt_id"]!;
        await socket.WaitForAsync(m => m.Type == "execution_start", TimeSpan.FromSeconds(10));

        var ids = new List<string>();
        var numbers = new List<string>();
        foreach (var kind in new[] { "http:q_add_0", "http:q_add_1", "http:q_add_2", "http:q_add_3" })
        {
            var text = await CapturedResponse.ReplayAsync(http, kind, socket.ClientId);
            ids.Add((string)JsonNode.Parse(text)!["prompt_id"]!);
            numbers.Add(text[(text.IndexOf("\"number\":", StringComparison.Ordinal) + 9)..text.IndexOf(",\"node_errors\"", StringComparison.Ordinal)]);
        }

        // Captured: 32, -33 (front), -100.0 (the client's number, a float), 34.
        var n = long.Parse(numbers[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal([$"{n}", $"-{n + 1}", "-100.0", $"{n + 2}"], numbers);

        await CapturedResponse.ReplayAsync(http, "http:queue_delete_one"); // deletes q_add_0 by its captured id: not ours
        var afterForeignDelete = JsonNode.Parse(await http.GetStringAsync("/prompt"))!;
        Assert.Equal(5, (int)afterForeignDelete["exec_info"]!["queue_remaining"]!);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, "/queue", new JsonObject { ["delete"] = new JsonArray(ids[0]) })).Status);
        using (var afterDelete = await http.GetAsync("/prompt"))
        {
            var text = await CapturedResponse.AssertLikeAsync("http:get_prompt_after_delete", afterDelete);
            Assert.True(JsonNode.DeepEquals(Captures.Body("http:get_prompt_after_delete"), JsonNode.Parse(text)), text);
        }

        await CapturedResponse.ReplayAsync(http, "http:queue_clear");
        Assert.Empty((await GetJsonAsync(http, "/queue"))["queue_pending"]!.AsArray());

        var interrupt = Captures.Request("http:interrupt_targeted");
        interrupt["prompt_id"] = running;
        using (var targeted = await http.PostAsync("/interrupt", new StringContent(interrupt.ToJsonString(), System.Text.Encoding.UTF8, "application/json")))
        {
            await CapturedResponse.AssertLikeAsync("http:interrupt_targeted", targeted);
        }

        await socket.WaitForDoneAsync(running);
        Assert.Contains("execution_interrupted", socket.Tokens);
        Assert.NotEqual("{}", await http.GetStringAsync($"/history/{running}"));

        var delete = Captures.Request("http:history_delete");
        delete["delete"] = new JsonArray(running);
        using (var deleted = await http.PostAsync("/history", new StringContent(delete.ToJsonString(), System.Text.Encoding.UTF8, "application/json")))
        {
            await CapturedResponse.AssertLikeAsync("http:history_delete", deleted);
        }

        Assert.Equal("{}", await http.GetStringAsync($"/history/{running}"));
    }
}
