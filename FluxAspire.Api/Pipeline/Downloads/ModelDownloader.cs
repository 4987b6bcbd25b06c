using System.Diagnostics;
using FluxAspire.Api.Delivery.Credentials;
using FluxAspire.Api.Delivery.Outbound;
using FluxAspire.Api.Delivery.Storage;
using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Pipeline.Downloads;

/// <summary>
/// Downloads a model file into ComfyUI's models folder through the SSRF-guarded "outbound" client: streamed to a temp
/// file under &lt;models&gt;/.downloads (never a listed model folder), size-capped while reading, then moved into
/// &lt;models&gt;/&lt;type&gt;/&lt;file&gt; in one step so ComfyUI never sees a partial file. s3:// URLs and blob URLs of the
/// server's Azure account are streamed from the storage (<see cref="StorageReads"/>) the same way.
/// </summary>
public sealed class ModelDownloader(IHttpClientFactory httpClientFactory, IOptions<DownloadOptions> options, IOptions<ModelFolderOptions> folders,
    StorageReads storage)
{
    public const string MissingModelsDirectory = "model downloads need ComfyUI:ModelsDirectory (ComfyUI's models folder as this API sees it)";

    public sealed record Result(long Size, TimeSpan Duration, string Path);

    /// <summary>The models folder, or null when it is not configured.</summary>
    public string? ModelsDirectory => string.IsNullOrWhiteSpace(folders.Value.ModelsDirectory) ? null : Path.GetFullPath(folders.Value.ModelsDirectory);

    /// <summary>Where a model file goes; throws when the name would leave its folder.</summary>
    public string TargetPath(string modelType, string fileName)
    {
        var root = ModelsDirectory ?? throw new ModelDownloadException(MissingModelsDirectory, isClientError: false);
        var folder = Path.GetFullPath(Path.Combine(root, modelType));
        var target = Path.GetFullPath(Path.Combine(folder, fileName));
        if (!folder.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || Path.GetDirectoryName(target) != folder)
        {
            throw new ModelDownloadException("the file name or model type leaves the models folder");
        }

        return target;
    }

    public async Task<Result> DownloadAsync(Uri url, string modelType, string fileName, UrlAuth? auth, CancellationToken cancellationToken)
    {
        var target = TargetPath(modelType, fileName);
        var settings = options.Value;
        var started = Stopwatch.StartNew();
        var temp = Path.Combine(ModelsDirectory!, ".downloads", $"{Guid.NewGuid():N}.part");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(temp)!);
            HttpResponseMessage? response = null;
            StorageObject? stored = null;
            long? announced;
            if (storage.Handles(url))
            {
                stored = await storage.OpenAsync(url, auth, timeout.Token);
                announced = stored.Length;
            }
            else
            {
                using var request = AuthenticatedRequest.Get(url, auth);
                response = await httpClientFactory.CreateClient(OutboundHttp.ClientName)
                    .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                if (!response.IsSuccessStatusCode)
                {
                    var status = (int)response.StatusCode;
                    response.Dispose();
                    throw new ModelDownloadException($"the server answered {status}");
                }

                announced = response.Content.Headers.ContentLength;
            }

            using var disposeResponse = response;
            await using var disposeStored = stored;
            if (announced > settings.MaxBytes)
            {
                throw new ModelDownloadException($"the file is larger than {settings.MaxBytes} bytes (Downloads:MaxBytes)");
            }

            long size = 0;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            await using (var body = stored?.Content ?? await response!.Content.ReadAsStreamAsync(timeout.Token))
            {
                var buffer = new byte[1 << 16];
                int read;
                while ((read = await body.ReadAsync(buffer, timeout.Token)) > 0)
                {
                    size += read;
                    if (size > settings.MaxBytes)
                    {
                        throw new ModelDownloadException($"the file is larger than {settings.MaxBytes} bytes (Downloads:MaxBytes)");
                    }

                    await file.WriteAsync(buffer.AsMemory(0, read), timeout.Token);
                }
            }

            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Move(temp, target, overwrite: true);
            return new Result(size, started.Elapsed, target);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ModelDownloadException($"the download took longer than {settings.Timeout} (Downloads:Timeout)", inner: ex);
        }
        catch (StorageReadException e)
        {
            throw new ModelDownloadException(e.Reason, inner: e);
        }
        catch (OutboundUrlRefusedException refused)
        {
            throw new ModelDownloadException($"the URL is not allowed: {refused.Reason}", inner: refused);
        }
        catch (HttpRequestException ex) when (ex.InnerException is OutboundUrlRefusedException refused)
        {
            throw new ModelDownloadException($"the URL is not allowed: {refused.Reason}", inner: refused);
        }
        catch (HttpRequestException ex)
        {
            throw new ModelDownloadException($"could not download: {(ex.HttpRequestError == HttpRequestError.Unknown ? ex.Message : ex.HttpRequestError.ToString())}", inner: ex);
        }
        catch (IOException ex)
        {
            throw new ModelDownloadException($"could not write the model file: {ex.Message}", isClientError: false, inner: ex);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
