using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace FluxAspire.Tests.Api.Integration;

/// <summary>Issue 13: a ComfyUI frozen mid-job (kill -STOP) must not stretch the job deadline; the clean-up calls that
/// can no longer be answered go on after the 504, not before it.</summary>
public class FrozenComfyDeadlineTests
{
    [Fact]
    public async Task A_frozen_ComfyUI_ends_the_job_in_504_within_a_second_of_its_deadline()
    {
        var timeout = TimeSpan.FromSeconds(6);
        await using var sim = await SimulatorProcess.StartAsync("--step-ms", "200");
        await using var api = await ApiProcess.StartAsync(sim.BaseAddress,
            new Dictionary<string, string> { ["Jobs__Timeout"] = "00:00:06" });
        using var http = api.CreateClient(TimeSpan.FromSeconds(30));
        using var comfy = sim.CreateClient();

        var clock = Stopwatch.StartNew();
        var request = http.PostAsJsonAsync("/workflow/text2img", JsonNode.Parse("""{"id": "frozen-1", "input": {"prompt": "p", "steps": 60, "width": 256, "height": 256}}"""));
        await Eventually.UntilAsync(async () => (await comfy.GetStringAsync("/queue")).Contains("frozen-1", StringComparison.Ordinal),
            TimeSpan.FromSeconds(5), "frozen-1 to run on ComfyUI");
        sim.Freeze();
        try
        {
            using var response = await request;
            var elapsed = clock.Elapsed;

            Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Equal("The job deadline passed", (string?)body["title"]);
            // The deadline as the API kept it (from the request's arrival to the job's end), and as the client saw it.
            var job = JsonNode.Parse(await http.GetStringAsync("/jobs/frozen-1"))!;
            var kept = DateTimeOffset.Parse((string)job["finished_at"]!) - DateTimeOffset.Parse((string)job["created_at"]!);
            Assert.True(kept <= timeout + TimeSpan.FromSeconds(1), $"the job ended {kept.TotalSeconds:F2} s after it arrived, for a {timeout.TotalSeconds} s deadline\n{api.Log}");
            Assert.True(elapsed <= timeout + TimeSpan.FromSeconds(3), $"504 after {elapsed.TotalSeconds:F1} s for a {timeout.TotalSeconds} s deadline\n{api.Log}");
            await Eventually.UntilAsync(() => api.Log.Contains("did not drop prompt frozen-1", StringComparison.Ordinal),
                TimeSpan.FromSeconds(5), "the API to log that the clean-up goes on after the 504");
        }
        finally
        {
            sim.Resume();
        }

        // Thawed, ComfyUI gets the clean-up that waited: the prompt leaves its queue.
        await Eventually.UntilAsync(async () => !(await comfy.GetStringAsync("/queue")).Contains("frozen-1", StringComparison.Ordinal),
            TimeSpan.FromSeconds(15), "frozen-1 to leave ComfyUI's queue after the thaw");
    }
}
