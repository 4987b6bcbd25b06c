using System.Globalization;

namespace Aspire.Hosting.ApplicationModel;

internal static class ModelDownloadText
{
    public static string Gigabytes(long bytes) => (bytes / 1e9).ToString("0.0", CultureInfo.InvariantCulture);
}
