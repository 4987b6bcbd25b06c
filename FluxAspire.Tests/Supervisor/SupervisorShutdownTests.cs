namespace FluxAspire.Tests.Supervisor;

/// <summary>The child never outlives the API: stopped with it on SIGTERM, killed by the kernel when the API is SIGKILLed.</summary>
public sealed class SupervisorShutdownTests
{
    [Fact]
    public async Task Sigterm_to_the_api_stops_the_child_gracefully_first()
    {
        await using var supervised = await SupervisedApi.StartWithSimulatorAsync(waitForReady: false);
        await supervised.WaitForLogAsync("answers /system_stats", TimeSpan.FromSeconds(30));
        var child = supervised.CurrentChild;
        var api = supervised.ApiPid;

        ProcessTable.Signal(api, ProcessTable.SigTerm);

        Assert.True(await ProcessTable.WaitUntilGoneAsync(api, TimeSpan.FromSeconds(20)), "the API did not exit on SIGTERM");
        Assert.True(ProcessTable.IsGone(child));
        await supervised.WaitForLogAsync($"Stopping ComfyUI (pid {child}): SIGTERM, SIGKILL after 5 s", TimeSpan.FromSeconds(5));
        // Exit code 0: the simulator shut down on SIGTERM by itself (a SIGKILL would read 137).
        await supervised.WaitForLogAsync($"ComfyUI (pid {child}) stopped with code 0", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Sigkill_to_the_api_takes_the_child_with_it()
    {
        await using var supervised = await SupervisedApi.StartWithSimulatorAsync(waitForReady: false);
        await supervised.WaitForLogAsync("answers /system_stats", TimeSpan.FromSeconds(30));
        var child = supervised.CurrentChild;
        var api = supervised.ApiPid;

        ProcessTable.Signal(api, ProcessTable.SigKill);

        Assert.True(await ProcessTable.WaitUntilGoneAsync(api, TimeSpan.FromSeconds(5)));
        Assert.True(await ProcessTable.WaitUntilGoneAsync(child, TimeSpan.FromSeconds(3)), $"the child {child} outlived the SIGKILLed API");
    }
}
