namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Marks a container that needs GPUs. <c>WithGpuSupport()</c> adds it together with the container runtime arguments
/// for <c>dotnet run</c>; those arguments never reach the manifest, so publishers read this annotation instead
/// (a Compose device reservation, a cloud GPU class).
/// </summary>
/// <param name="vendor">The GPU maker.</param>
/// <param name="count">How many GPUs; <see langword="null"/> means all of them.</param>
/// <param name="deviceIndex">One GPU by its index (one ComfyUI per GPU); <paramref name="count"/> is then 1.</param>
public sealed class GpuSupportAnnotation(GpuVendor vendor = GpuVendor.Nvidia, int? count = null, int? deviceIndex = null) : IResourceAnnotation
{
    /// <summary>The one GPU the container gets, by index; <see langword="null"/>: <see cref="Count"/> of them.</summary>
    public int? DeviceIndex { get; } = deviceIndex is null or >= 0 ? deviceIndex : throw new ArgumentOutOfRangeException(nameof(deviceIndex), deviceIndex, "A GPU index is 0 or more");

    /// <summary>The GPU maker.</summary>
    public GpuVendor Vendor { get; } = vendor;

    /// <summary>How many GPUs the container gets; <see langword="null"/> means all of them.</summary>
    public int? Count { get; } = count is null or > 0 ? count : throw new ArgumentOutOfRangeException(nameof(count), count, "A GPU count must be at least 1");
}
