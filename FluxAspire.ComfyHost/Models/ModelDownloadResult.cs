namespace Aspire.Hosting.ApplicationModel;

/// <summary>What the model downloader did for one file.</summary>
/// <param name="File">The file.</param>
/// <param name="FullPath">Where it is on disk.</param>
/// <param name="Downloaded"><see langword="true"/> when it was downloaded now; <see langword="false"/> when a good copy was already there.</param>
/// <param name="Bytes">Its size.</param>
/// <param name="Sha256">Its SHA-256 when it was hashed or recorded as verified; <see langword="null"/> for an unverified file.</param>
/// <param name="Requests">HTTP requests made (more than one after a cut connection).</param>
public sealed record ModelDownloadResult(ModelFile File, string FullPath, bool Downloaded, long Bytes, string? Sha256, int Requests);
