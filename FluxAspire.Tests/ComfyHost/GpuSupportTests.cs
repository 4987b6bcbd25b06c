using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using static FluxAspire.Tests.Infrastructure.AppModel;

namespace FluxAspire.Tests.ComfyHost;

public sealed class GpuSupportTests
{
    [Theory]
    [InlineData("docker", null, new[] { "--gpus", "all" })]
    [InlineData("docker", 2, new[] { "--gpus", "2" })]
    [InlineData("podman", null, new[] { "--device", "nvidia.com/gpu=all" })]
    [InlineData("podman", 2, new[] { "--device", "nvidia.com/gpu=0", "--device", "nvidia.com/gpu=1" })]
    public void Runtime_args_per_runtime_and_count(string runtime, int? count, string[] expected)
    {
        Assert.Equal(expected, GpuSupportExtensions.RuntimeArgs(runtime, new GpuSupportAnnotation(GpuVendor.Nvidia, count)));
    }

    [Fact]
    public void A_gpu_count_below_one_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new GpuSupportAnnotation(GpuVendor.Nvidia, 0));
    }

    [Fact]
    public async Task Calling_it_twice_keeps_one_annotation_and_one_set_of_args_with_the_latest_count()
    {
        var builder = DistributedApplication.CreateBuilder(["--ASPIRE_CONTAINER_RUNTIME=docker"]);

        var container = builder.AddContainer("gpu-job", "busybox").WithGpuSupport().WithGpuSupport(count: 1);

        Assert.Equal(1, Assert.Single(container.Resource.Annotations.OfType<GpuSupportAnnotation>()).Count);
        Assert.Equal(["--gpus", "1"], await RuntimeArgsOf(container.Resource));
    }

    [Theory]
    [InlineData(true, "docker 27.3.1", "docker")]
    [InlineData(true, "podman 5.2.2", "podman")]
    [InlineData(false, "docker not found on PATH; podman not found on PATH", "docker")]
    public async Task Without_a_setting_the_runtime_is_the_one_that_answers_else_docker(bool found, string detail, string expected)
    {
        var probe = new FakeProbe(FakeProbe.NoGpu, new ProbeResult(found, detail));

        Assert.Equal(expected, await ContainerRuntimeName.ResolveAsync(new ConfigurationBuilder().Build(), probe, CancellationToken.None));
        Assert.Equal([null], probe.RuntimeChecks);
    }

    [Fact]
    public async Task A_configured_runtime_needs_no_check()
    {
        var probe = new FakeProbe(FakeProbe.NoGpu, FakeProbe.Docker);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("ASPIRE_CONTAINER_RUNTIME", "podman")]).Build();

        Assert.Equal("podman", await ContainerRuntimeName.ResolveAsync(configuration, probe, CancellationToken.None));
        Assert.Empty(probe.RuntimeChecks);
    }

    [Fact]
    public async Task The_runtime_args_follow_the_runtime_that_answers()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var probe = new FakeProbe(FakeProbe.NoGpu, new ProbeResult(true, "podman 5.2.2"));

        var container = builder.AddContainer("gpu-job", "busybox").WithGpuSupport(probe: probe);

        Assert.Equal(["--device", "nvidia.com/gpu=all"], await RuntimeArgsOf(container.Resource));
    }
}
