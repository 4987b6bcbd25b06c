namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Marks a container that needs GPUs. <c>WithGpuSupport()</c> adds it together with the container runtime arguments
/// for <c>dotnet run</c>; those arguments never reach the manifest, so publishers read this annotation instead
/// (a Compose device reservation, a cloud GPU class).
/// </summary>
/// <param name="vendor">The GPU maker.</param>
/// <param name="count">How many GPUs; <see langword="null"/> means all of them.</param>
public sealed class GpuSupportAnnotation(GpuVendor vendor = GpuVendor.Nvidia, int? count = null) : IResourceAnnotation
{
    /// <summary>The GPU maker.</summary>
    public GpuVendor Vendor { get; } = vendor;

    /// <summary>How many GPUs the container gets; <see langword="null"/> means all of them.</summary>
    public int? Count { get; } = count is null or > 0 ? count : throw new ArgumentOutOfRangeException(nameof(count), count, "A GPU count must be at least 1");
}
