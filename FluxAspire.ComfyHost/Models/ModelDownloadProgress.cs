namespace Aspire.Hosting.ApplicationModel;

/// <summary>How far one file's download is.</summary>
/// <param name="File">The file.</param>
/// <param name="BytesDone">Bytes on disk so far, a resumed part included.</param>
/// <param name="TotalBytes">The file's size when the server or the configuration says it.</param>
public sealed record ModelDownloadProgress(ModelFile File, long BytesDone, long? TotalBytes)
{
    /// <summary>Whole percent done, when the size is known.</summary>
    public int? Percent => TotalBytes is > 0 ? (int)(BytesDone * 100 / TotalBytes.Value) : null;

    /// <summary>E.g. <c>37% (6.4 of 17.2 GB)</c>, or <c>6.4 GB</c> when the size is unknown.</summary>
    public override string ToString() => TotalBytes is > 0
        ? $"{Percent}% ({ModelDownloadText.Gigabytes(BytesDone)} of {ModelDownloadText.Gigabytes(TotalBytes.Value)} GB)"
        : $"{ModelDownloadText.Gigabytes(BytesDone)} GB";
}
