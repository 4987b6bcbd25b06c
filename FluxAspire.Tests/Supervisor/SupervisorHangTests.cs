using System.Text.RegularExpressions;

namespace FluxAspire.Tests.Supervisor;

public sealed class SupervisorHangTests
{
    [Fact]
    public async Task Child_that_never_answers_is_killed_after_the_start_timeout_and_restarted_leaving_nothing_behind()
    {
        await using var supervised = await SupervisedApi.StartWithCommandAsync("sleep", ["600"], new Dictionary<string, string>
        {
            ["ComfyUI__Launch__StartTimeout"] = "00:00:03",
            ["ComfyUI__Launch__StopTimeout"] = "00:00:01",
        });

        await supervised.WaitForLogAsync("Started ComfyUI as pid", TimeSpan.FromSeconds(10));
        var first = supervised.CurrentChild;
        Assert.Equal("sleep", ProcessTable.NameOf(first)); // the pid is the command's own (setsid and setpriv exec in place)
        await supervised.WaitForLogAsync($"ComfyUI (pid {first}) did not answer /system_stats within 3 s; stopping it", TimeSpan.FromSeconds(10));
        await supervised.WaitForLogAsync("(restart 2)", TimeSpan.FromSeconds(15));

        var pids = supervised.ChildPids;
        Assert.Equal(pids.Count, pids.Distinct().Count());
        Assert.True(pids.Count >= 3);
        Assert.Contains($"ComfyUI process is down (did not answer /system_stats within 3 s); restart 1 in 0.2 s", supervised.Api.Log);
        Assert.Contains($"ComfyUI (pid {pids[1]}) did not answer /system_stats within 3 s; stopping it", supervised.Api.Log);
        foreach (var stopped in pids.SkipLast(1))
        {
            Assert.True(await ProcessTable.WaitUntilGoneAsync(stopped, TimeSpan.FromSeconds(5)), $"sleep {stopped} is still running");
        }

        using var http = supervised.CreateClient();
        using var ready = await http.GetAsync("/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Matches(new Regex(@"""ComfyUI process is (starting \(pid \d+, restart \d+\)|down \(did not answer /system_stats within 3 s; restart \d+ in \d\.\d s\))"""),
            await ready.Content.ReadAsStringAsync());
    }
}
