using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using static FluxAspire.Tests.ComfyHost.AppModel;

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
    [InlineData(true, true, "docker")]
    [InlineData(false, true, "podman")]
    [InlineData(false, false, "docker")]
    public void Without_a_setting_the_runtime_is_the_one_installed_docker_first(bool docker, bool podman, string expected)
    {
        var installed = new Dictionary<string, bool> { ["docker"] = docker, ["podman"] = podman };

        Assert.Equal(expected, ContainerRuntimeName.Resolve(new ConfigurationBuilder().Build(), c => installed[c]));
    }
}
