using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using FluxAspire.AppHost.Redis;
using static FluxAspire.Tests.Infrastructure.AppModel;

namespace FluxAspire.Tests.AppHost;

/// <summary>The AppHost's Redis per Redis:Mode, inspected without starting anything.</summary>
public sealed class RedisAppModelTests
{
    [Fact]
    public async Task Container_mode_adds_the_Redis_container_with_a_data_volume_snapshots_and_an_append_only_file()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.FluxAspire_AppHost>(["--Redis:Mode=container"]);

        var cache = Assert.IsType<RedisResource>(Resource(builder, "cache"));
        var volume = Assert.Single(cache.Annotations.OfType<ContainerMountAnnotation>());
        Assert.Equal((ContainerMountType.Volume, "/data"), (volume.Type, volume.Target));
        var args = await ArgsOf(cache);
        Assert.Equal("/bin/sh", cache.Entrypoint);
        Assert.Equal(["redis-server", "--requirepass", "$REDIS_PASSWORD", "--save", "10", "1", "--appendonly", "yes"], args);
        // Published, the command is already one "sh -c" string: the flag must be inside it, or redis-server never sees it.
        Assert.Equal(["-c", "redis-server --requirepass $REDIS_PASSWORD --save 10 1 --appendonly yes"],
            await ArgsOf(cache, DistributedApplicationOperation.Publish));
        await AssertApiUsesAndWaitsFor(builder, cache);
    }

    [Fact]
    public async Task Executable_mode_runs_redis_server_on_loopback_with_an_append_only_file_and_a_health_check()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.FluxAspire_AppHost>(["--Redis:Mode=executable"]);

        var cache = Assert.IsType<RedisServerResource>(Resource(builder, "cache"));
        Assert.Equal(ExecutableSearch.Find("redis-server"), cache.Command);
        Assert.Equal(Path.Combine(Path.GetTempPath(), "fluxaspire", $"cache-{Environment.ProcessId}"), cache.DataDirectory);
        var args = await ArgsOf(cache);
        Assert.Equal("--port", args[0]);
        var port = Assert.IsType<EndpointReferenceExpression>(args[1]);
        Assert.Equal(("tcp", EndpointProperty.TargetPort), (port.Endpoint.EndpointName, port.Property));
        Assert.Same(cache, port.Endpoint.Resource);
        Assert.Equal(
            ["--bind", "127.0.0.1", "--protected-mode", "yes", "--dir", cache.DataDirectory, "--appendonly", "yes", "--save", ""],
            args.Skip(2));
        Assert.Equal("cache_ping", Assert.Single(cache.Annotations.OfType<HealthCheckAnnotation>()).Key);
        Assert.Equal("{cache.bindings.tcp.host}:{cache.bindings.tcp.port}", cache.ConnectionStringExpression.ValueExpression);
        await AssertApiUsesAndWaitsFor(builder, cache);
    }

    [Fact]
    public async Task Executable_mode_takes_the_server_from_Redis_ServerPath()
    {
        var server = ExecutableSearch.Find("redis-server")!;
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.FluxAspire_AppHost>(
            ["--Redis:Mode=executable", $"--Redis:ServerPath={server}"]);

        Assert.Equal(server, Assert.IsType<RedisServerResource>(Resource(builder, "cache")).Command);
    }

    [Fact]
    public async Task None_mode_adds_no_Redis_and_gives_the_api_no_cache_connection_string()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.FluxAspire_AppHost>(["--Redis:Mode=none"]);

        Assert.DoesNotContain(builder.Resources, r => r.Name == "cache");
        var api = Resource(builder, "api");
        var env = await PublishedEnvironmentOf(api);
        Assert.False(env.ContainsKey("ConnectionStrings__cache"));
        Assert.Equal("{comfyui.connectionString}", env["ConnectionStrings__comfyui"]);
        Assert.Equal(["comfyui"], api.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name));
    }

    [Fact]
    public async Task Publishing_always_uses_the_container()
    {
        var manifest = Path.Combine(Path.GetTempPath(), $"fluxaspire-manifest-{Guid.NewGuid():N}.json");
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.FluxAspire_AppHost>(
            ["--publisher", "manifest", "--output-path", manifest, "--Redis:Mode=executable"]);

        Assert.True(builder.ExecutionContext.IsPublishMode);
        Assert.IsType<RedisResource>(Resource(builder, "cache"));
    }

    [Fact]
    public async Task An_unknown_mode_fails_before_anything_starts()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() =>
            DistributedApplicationTestingBuilder.CreateAsync<Projects.FluxAspire_AppHost>(["--Redis:Mode=docker"]));

        Assert.Contains("Redis:Mode 'docker' is not one of: auto, container, executable, none", Flatten(error));
    }

    [Fact]
    public void Auto_mode_goes_by_the_container_runtime_answer_ComfyUI_got()
    {
        using var commands = new StandInCommands();
        var runs = Path.Combine(commands.Folder, "docker-runs");
        commands.Script("docker", $"echo run >> {runs}; echo 27.3.1");
        var containerRuntime = new ContainerRuntimeProbe(TimeSpan.FromSeconds(10), commands.Find);
        var builder = DistributedApplication.CreateBuilder([]);

        var comfyui = builder.AddComfyUI("comfyui", new ComfyHost.SimulatorProject(),
            new ComfyUIEnvironmentProbe(TimeSpan.FromSeconds(10), commands.Find, containerRuntime));
        var cache = builder.AddRedisCache("cache", containerRuntime);

        Assert.Equal("simulator: no NVIDIA GPU found (nvidia-smi not found on PATH), although docker 27.3.1 answered",
            Assert.Single(comfyui.Resource.Annotations.OfType<ComfyUIModeAnnotation>()).ToString());
        Assert.IsType<RedisResource>(cache?.Resource);
        Assert.Single(File.ReadAllLines(runs));
    }

    private static async Task AssertApiUsesAndWaitsFor(IDistributedApplicationTestingBuilder builder, IResource cache)
    {
        var api = Resource(builder, "api");
        var env = await PublishedEnvironmentOf(api);
        Assert.Equal("{cache.connectionString}", env["ConnectionStrings__cache"]);
        var wait = Assert.Single(api.Annotations.OfType<WaitAnnotation>(), w => w.Resource.Name == "cache");
        Assert.Same(cache, wait.Resource);
        Assert.Equal(WaitType.WaitUntilHealthy, wait.WaitType);
    }
}
