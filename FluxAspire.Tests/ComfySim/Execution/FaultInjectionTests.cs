using System.Text.Json.Nodes;
using static FluxAspire.Tests.ComfySim.Execution.SimRequests;

namespace FluxAspire.Tests.ComfySim.Execution;

/// <summary>The simulator-only /sim/faults switches, on a real process.</summary>
public sealed class FaultInjectionTests(PreviewSimulatorFixture fixture) : IClassFixture<PreviewSimulatorFixture>
{
    private readonly SimulatorProcess _sim = fixture.Sim;

    [Fact]
    public async Task Fail_node_reports_execution_error_with_the_given_type_until_cleared()
    {
        using var http = _sim.CreateClient();
        await using var socket = await SimSocket.ConnectAsync(_sim);
        var (status, text) = await PostAsync(http, "/sim/faults", JsonNode.Parse(
            """{"fail_node": {"class_type": "KSampler", "exception_type": "torch.OutOfMemoryError", "message": "Allocation on device"}}""")!);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"fail_node":{"class_type":"KSampler","exception_type":"torch.OutOfMemoryError","message":"Allocation on device"}}""", text);
        Assert.Equal(text, await http.GetStringAsync("/sim/faults"));

        try
        {
            var id = await QueueAsync(http, Flux(socket.ClientId, seed: 500));
            await socket.WaitForDoneAsync(id);
            var error = socket.Messages.Single(m => m.Type == "execution_error").Data;
            Assert.Equal(("31", "KSampler", "torch.OutOfMemoryError"), ((string?)error["node_id"], (string?)error["node_type"], (string?)error["exception_type"]));
            Assert.StartsWith("Allocation on device\nThis error means you ran out of memory on your GPU.", (string?)error["exception_message"]);
            Assert.Equal(["progress_state", "executing:31", "execution_error", "status", "executing:null"], socket.Tokens.SkipWhile(t => t != "execution_cached").Skip(1).TakeLast(5));
            var capturedError = Captures.Get("ws:run_runtime_error")["messages"]!.AsArray().Select(m => m!["json"]).First(j => (string?)j?["type"] == "execution_error")!;
            Assert.Equal(capturedError["data"]!.AsObject().Select(p => p.Key), error.Select(p => p.Key));
            Assert.Equal("error", (string?)(await GetJsonAsync(http, $"/history/{id}"))[id]!["status"]!["status_str"]);
        }
        finally
        {
            using var cleared = await http.DeleteAsync("/sim/faults");
            Assert.Equal("{}", await cleared.Content.ReadAsStringAsync());
        }

        socket.Clear();
        var ok = await QueueAsync(http, Flux(socket.ClientId, seed: 501));
        await socket.WaitForDoneAsync(ok);
        Assert.Contains("execution_success", socket.Tokens);
    }

    [Fact]
    public async Task Stall_holds_the_node_until_interrupted()
    {
        using var http = _sim.CreateClient();
        await using var socket = await SimSocket.ConnectAsync(_sim);
        await PostAsync(http, "/sim/faults", JsonNode.Parse("""{"stall": {"node_id": "8"}}""")!);
        try
        {
            var id = await QueueAsync(http, Flux(socket.ClientId, seed: 600));
            await socket.WaitForAsync(m => m.Token == "executing:8", TimeSpan.FromSeconds(10));
            // A "nothing happens" window, not a wait before an assertion: while the stall holds, no later event exists
            // to wait for (unstalled, VAEDecode ends within one 20 ms step).
            await Task.Delay(300);
            Assert.Equal("{}", await http.GetStringAsync($"/history/{id}")); // still running
            await PostAsync(http, "/interrupt", new JsonObject());
            await socket.WaitForDoneAsync(id);
            var interrupted = socket.Messages.Single(m => m.Type == "execution_interrupted").Data;
            Assert.Equal(("8", "VAEDecode"), ((string?)interrupted["node_id"], (string?)interrupted["node_type"]));
        }
        finally
        {
            await http.DeleteAsync("/sim/faults");
        }
    }

    [Fact]
    public async Task Drop_websockets_cuts_every_socket_and_the_prompt_still_completes()
    {
        using var http = _sim.CreateClient();
        await using var socket = await SimSocket.ConnectAsync(_sim);
        await using var bystander = await SimSocket.ConnectAsync(_sim);
        var id = await QueueAsync(http, Flux(socket.ClientId, seed: 700, steps: 25));
        await socket.WaitForAsync(m => m.Type == "progress", TimeSpan.FromSeconds(10));
        var (status, text) = await PostAsync(http, "/sim/faults", new JsonObject { ["drop_websockets"] = true });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True((int)JsonNode.Parse(text)!["dropped_websockets"]! >= 2);

        await Eventually.TryUntilAsync(() => socket.Closed && bystander.Closed, TimeSpan.FromSeconds(10));
        Assert.True(socket.Closed && bystander.Closed);
        await Eventually.TryUntilAsync(async () => await http.GetStringAsync($"/history/{id}") != "{}", TimeSpan.FromSeconds(20));
        Assert.Equal("success", (string?)(await GetJsonAsync(http, $"/history/{id}"))[id]!["status"]!["status_str"]);
        Assert.Equal("{}", await http.GetStringAsync("/sim/faults")); // an action, not a lasting fault
    }

    [Theory]
    [InlineData("""{"explode": true}""")]
    [InlineData("""{"fail_node": {"exception_type": "RuntimeError"}}""")]
    [InlineData("""{"stall": "KSampler"}""")]
    [InlineData("""{"exit_process": {"class_type": "KSampler", "exit_code": "x"}}""")]
    [InlineData("""[1]""")]
    public async Task Bad_fault_requests_are_400_problem_details_and_change_nothing(string body)
    {
        using var http = _sim.CreateClient();
        using var response = await http.PostAsync("/sim/faults", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.False(string.IsNullOrWhiteSpace((string?)problem["detail"]));
        Assert.Equal("{}", await http.GetStringAsync("/sim/faults"));
    }

    [Fact]
    public async Task Exit_process_kills_the_simulator_mid_job()
    {
        await using var doomed = await SimulatorProcess.StartAsync("--step-ms", "10");
        using var http = doomed.CreateClient();
        await using var socket = await SimSocket.ConnectAsync(doomed);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, "/sim/faults",
            JsonNode.Parse("""{"exit_process": {"class_type": "KSampler", "exit_code": 137}}""")!)).Status);
        await QueueAsync(http, Flux(socket.ClientId, seed: 800));
        await doomed.WaitForExitAsync(TimeSpan.FromSeconds(10));
        Assert.True(doomed.HasExited);
        await socket.WaitForAsync(m => m.Type == "execution_start", TimeSpan.FromSeconds(5)); // it died mid-job…
        Assert.DoesNotContain("execution_success", socket.Tokens); // …before finishing
        Assert.DoesNotContain("executing:8", socket.Tokens);
        await Eventually.TryUntilAsync(() => socket.Closed, TimeSpan.FromSeconds(5));
        Assert.True(socket.Closed);
    }
}
