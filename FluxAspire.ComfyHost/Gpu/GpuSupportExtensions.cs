using System.Globalization;
using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>Gives containers NVIDIA GPUs in <c>dotnet run</c> and tells publishers they need them.</summary>
public static class GpuSupportExtensions
{
    /// <summary>
    /// Gives the container GPUs: <c>--gpus all</c> on Docker, the CDI device <c>nvidia.com/gpu=all</c> on Podman
    /// (the runtime Aspire uses: <c>ASPIRE_CONTAINER_RUNTIME</c>, else the first of docker and podman that answers). Both need the NVIDIA
    /// Container Toolkit on the host. Adds a <see cref="GpuSupportAnnotation"/> for publishers, since runtime
    /// arguments do not reach the manifest.
    /// </summary>
    /// <param name="builder">The container.</param>
    /// <param name="count">How many GPUs; <see langword="null"/> for all of them.</param>
    /// <param name="vendor">The GPU maker; only NVIDIA is supported.</param>
    /// <param name="probe">Finds the runtime when none is configured; <c>docker info</c> / <c>podman info</c> when null.</param>
    /// <param name="deviceIndex">Only the GPU with this index (<c>--gpus device=i</c>, the CDI device <c>nvidia.com/gpu=i</c>).</param>
    public static IResourceBuilder<T> WithGpuSupport<T>(
        this IResourceBuilder<T> builder, int? count = null, GpuVendor vendor = GpuVendor.Nvidia, IComfyUIEnvironmentProbe? probe = null,
        int? deviceIndex = null)
        where T : ContainerResource
    {
        var firstCall = !builder.Resource.Annotations.OfType<GpuSupportAnnotation>().Any();
        builder.WithAnnotation(new GpuSupportAnnotation(vendor, deviceIndex is null ? count : 1, deviceIndex), ResourceAnnotationMutationBehavior.Replace);
        if (!firstCall)
        {
            return builder;
        }

        // The arguments follow the latest annotation, so calling this twice neither duplicates nor keeps stale values.
        var configuration = builder.ApplicationBuilder.Configuration;
        var resource = builder.Resource;
        return builder.WithContainerRuntimeArgs(async context =>
        {
            var gpu = resource.Annotations.OfType<GpuSupportAnnotation>().Last();
            var runtime = await ContainerRuntimeName.ResolveAsync(configuration, probe ?? new ComfyUIEnvironmentProbe(), context.CancellationToken);
            foreach (var arg in RuntimeArgs(runtime, gpu))
            {
                context.Args.Add(arg);
            }
        });
    }

    /// <summary>The <c>run</c> arguments that hand the GPUs to a container on <paramref name="runtime"/>.</summary>
    /// <param name="runtime"><c>docker</c> or <c>podman</c>.</param>
    /// <param name="gpu">Which GPUs.</param>
    public static IReadOnlyList<string> RuntimeArgs(string runtime, GpuSupportAnnotation gpu) => (runtime, gpu.DeviceIndex) switch
    {
        (ContainerRuntimeName.Podman, { } index) => ["--device", $"nvidia.com/gpu={index}"],
        (_, { } index) => ["--gpus", $"device={index}"],
        (ContainerRuntimeName.Podman, _) => gpu.Count is { } n
            ? [.. Enumerable.Range(0, n).SelectMany(i => new[] { "--device", $"nvidia.com/gpu={i}" })]
            : ["--device", "nvidia.com/gpu=all"],
        _ => ["--gpus", gpu.Count?.ToString(CultureInfo.InvariantCulture) ?? "all"],
    };
}
