namespace Aspire.Hosting.ApplicationModel;

/// <summary>A model file could not be provided; the message says which file and why.</summary>
public sealed class ModelDownloadException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ModelDownloadException(string message, Exception? innerException = null) : base(message, innerException)
    {
    }
}
