using FluxAspire.Api.Operations.Supervisor;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FluxAspire.Tests.Supervisor;

public sealed class SupervisorUnitTests
{
    [Fact]
    public void The_child_gets_the_environment_without_the_apis_secrets()
    {
        var environment = new Dictionary<string, string?>
        {
            ["PATH"] = "/usr/bin", ["PYTHONUNBUFFERED"] = "1", ["ComfyUI__Launch__Command"] = "python",
            ["API_KEY"] = "k", ["api__key"] = "k", ["WEBHOOK_SECRET"] = "s", ["OTEL_EXPORTER_OTLP_HEADERS"] = "h",
            ["ConnectionStrings__cache"] = "c", ["ConnectionStrings__comfyui"] = "u",
        };

        ChildEnvironment.RemoveSecrets(environment);

        Assert.Equal(["PATH", "PYTHONUNBUFFERED", "ComfyUI__Launch__Command"], environment.Keys);
    }

    [Fact]
    public void Contained_start_runs_the_command_through_setsid_and_setpriv_with_its_arguments_in_order()
    {
        var launcher = new ChildProcessLauncher("/usr/bin/setsid", "/usr/bin/setpriv");
        var info = launcher.CreateStartInfo(new ComfyLaunchOptions { Command = "python", Arguments = ["main.py", "--port", "8188"], WorkingDirectory = "/opt/ComfyUI" });

        Assert.Equal("/usr/bin/setsid", info.FileName);
        Assert.Equal(["/usr/bin/setpriv", "--pdeathsig", "KILL", "--", "python", "main.py", "--port", "8188"], info.ArgumentList);
        Assert.Equal("/opt/ComfyUI", info.WorkingDirectory);
        Assert.True(new ChildProcessLauncher("/usr/bin/setsid", "/usr/bin/setpriv").Contained);
        Assert.False(new ChildProcessLauncher(null, "/usr/bin/setpriv").Contained);
    }

    [Fact]
    public void Without_util_linux_the_command_starts_directly()
    {
        var info = new ChildProcessLauncher(null, null).CreateStartInfo(new ComfyLaunchOptions { Command = "python", Arguments = ["main.py"] });

        Assert.Equal("python", info.FileName);
        Assert.Equal(["main.py"], info.ArgumentList);
    }

    [Fact]
    public void Ready_reasons_follow_the_child_and_are_absent_when_nothing_is_supervised()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var state = new ComfyProcessState(Options.Create(new ComfyLaunchOptions { Command = "python" }), time);

        Assert.Equal("ComfyUI process has not started yet", state.NotReadyReason);
        state.Starting(101, restarts: 0);
        Assert.Equal("ComfyUI process is starting (pid 101)", state.NotReadyReason);
        state.Up();
        Assert.Null(state.NotReadyReason);
        state.Down("exited with code 0", restarts: 0, time.GetUtcNow() + TimeSpan.FromSeconds(2));
        time.Advance(TimeSpan.FromSeconds(0.5));
        Assert.Equal("ComfyUI process is down (exited with code 0; restart 1 in 1.5 s)", state.NotReadyReason);
        Assert.Null(state.ProcessId);
        state.Starting(102, restarts: 1);
        Assert.Equal("ComfyUI process is starting (pid 102, restart 1)", state.NotReadyReason);
        Assert.Equal((102, 1), (state.ProcessId, state.Restarts));
        state.Stopping();
        Assert.Equal("ComfyUI process is stopping", state.NotReadyReason);

        Assert.Null(new ComfyProcessState(Options.Create(new ComfyLaunchOptions()), time).NotReadyReason);
    }
}
