
namespace FluxAspire.Api.Pipeline.Downloads;

/// <summary>Runs wait:false downloads after the 202, until the app stops; failures are logged with the URL, never its secrets.</summary>
internal sealed class BackgroundDownloads(ModelDownloader downloader, IHostApplicationLifetime lifetime, ILogger<BackgroundDownloads> logger)
{
    public void Start(ValidDownload download) => _ = RunAsync(download);

    private async Task RunAsync(ValidDownload download)
    {
        await Task.Yield();
        var url = ModelFileNames.Redacted(download.Url);
        try
        {
            var result = await downloader.DownloadAsync(download.Url, download.ModelType, download.FileName, download.Auth, lifetime.ApplicationStopping);
            logger.LogInformation("Downloaded {Url} to {ModelType}/{FileName}: {Size} bytes in {Seconds:0.###} s",
                url, download.ModelType, download.FileName, result.Size, result.Duration.TotalSeconds);
        }
        catch (ModelDownloadException ex)
        {
            logger.LogError("Download of {Url} to {ModelType}/{FileName} failed: {Reason}", url, download.ModelType, download.FileName, ex.Message);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            logger.LogWarning("Download of {Url} stopped: the API is shutting down", url);
        }
        catch (Exception ex)
        {
            logger.LogError("Download of {Url} to {ModelType}/{FileName} failed: {Error}", url, download.ModelType, download.FileName, ex.GetType().Name);
        }
    }
}
