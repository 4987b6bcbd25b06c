using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Puts model files into ComfyUI's models folder: downloads into <c>&lt;file&gt;.partial</c>, resumes a cut download
/// with an HTTP Range request, checks the SHA-256 and only then moves the file into place. A file already there is
/// kept when its hash matches (hashed once, then remembered in <c>&lt;file&gt;.verified</c> by size and time).
/// </summary>
/// <param name="http">The client; redirects on (Hugging Face answers with a redirect to its CDN).</param>
public sealed class ModelDownloader(HttpClient http)
{
    private const int BufferSize = 1 << 20;

    /// <summary>How many requests in a row may fail without a byte of progress before the download gives up.</summary>
    public int MaxAttemptsWithoutProgress { get; init; } = 5;

    /// <summary>The pause before retrying after a failed request.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a read may wait for the next bytes before the connection counts as cut.</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Makes sure <paramref name="file"/> is in <paramref name="modelsDirectory"/>, downloading it if needed.</summary>
    /// <param name="file">The file.</param>
    /// <param name="modelsDirectory">ComfyUI's models folder.</param>
    /// <param name="bearerToken">Sent as <c>Authorization: Bearer</c> when set (gated Hugging Face files); never logged.</param>
    /// <param name="progress">Told after every chunk written.</param>
    /// <param name="cancellationToken">Stops the download; the partial file stays for the next run to resume.</param>
    /// <exception cref="ModelDownloadException">The server refused, kept failing, or the content's hash is wrong.</exception>
    public async Task<ModelDownloadResult> EnsureAsync(
        ModelFile file, string modelsDirectory, string? bearerToken = null,
        IProgress<ModelDownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var target = TargetPath(file, modelsDirectory);
        if (File.Exists(target) && await IsGoodCopyAsync(file, target, cancellationToken) is { } present)
        {
            return present;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var partial = target + ".partial";
        var (hash, requests) = await DownloadAsync(file, partial, bearerToken, progress, cancellationToken);
        if (file.Sha256 is { } expected && hash != expected)
        {
            File.Delete(partial);
            throw new ModelDownloadException(
                $"SHA-256 mismatch for {file.Path} from {file.Url}: expected {expected}, got {hash}. The download was deleted; check ComfyUI:Models Url and Sha256.");
        }

        File.Move(partial, target, overwrite: true);
        var info = new FileInfo(target);
        await WriteVerifiedMarkerAsync(target, hash, info, cancellationToken);
        return new ModelDownloadResult(file, target, Downloaded: true, info.Length, hash, requests);
    }

    /// <summary>Where <paramref name="file"/> goes under <paramref name="modelsDirectory"/>.</summary>
    public static string TargetPath(ModelFile file, string modelsDirectory)
    {
        var root = Path.GetFullPath(modelsDirectory);
        var target = Path.GetFullPath(Path.Combine(root, file.Path.Replace('/', Path.DirectorySeparatorChar)));
        return target.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? target
            : throw new ModelDownloadException($"{file.Path} is outside the models folder {root}");
    }

    private static async Task<ModelDownloadResult?> IsGoodCopyAsync(ModelFile file, string target, CancellationToken cancellationToken)
    {
        var info = new FileInfo(target);
        if (file.Sha256 is not { } expected)
        {
            return new ModelDownloadResult(file, target, Downloaded: false, info.Length, Sha256: null, Requests: 0);
        }

        if (await ReadVerifiedMarkerAsync(target, cancellationToken) == Marker(expected, info))
        {
            return new ModelDownloadResult(file, target, Downloaded: false, info.Length, expected, Requests: 0);
        }

        string actual;
        await using (var stream = new FileStream(target, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, useAsync: true))
        {
            actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
        }

        if (actual != expected)
        {
            return null;   // a different file under that name: download a good copy, which replaces it only once verified
        }

        await WriteVerifiedMarkerAsync(target, actual, info, cancellationToken);
        return new ModelDownloadResult(file, target, Downloaded: false, info.Length, actual, Requests: 0);
    }

    private async Task<(string Sha256, int Requests)> DownloadAsync(
        ModelFile file, string partial, string? bearerToken, IProgress<ModelDownloadProgress>? progress, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var state = new DownloadState { Total = file.Size };
        var requests = 0;
        var failuresWithoutProgress = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if ((File.Exists(partial) ? new FileInfo(partial).Length : 0) != state.Hashed)
            {
                // A partial left by an earlier run: hash what is there once, then go on from its end.
                hash.GetHashAndReset();
                state.Hashed = await HashFileAsync(hash, partial, cancellationToken);
            }

            requests++;
            var before = state.Hashed;
            try
            {
                await FetchAsync(file, partial, state, hash, bearerToken, progress, cancellationToken);
                if (state.Total is null || state.Hashed >= state.Total)
                {
                    return (Convert.ToHexStringLower(hash.GetHashAndReset()), requests);
                }

                throw new IOException($"the body ended at byte {state.Hashed} of {state.Total}");
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is HttpRequestException or IOException or TaskCanceledException)
            {
                failuresWithoutProgress = state.Hashed > before ? 1 : failuresWithoutProgress + 1;
                if (failuresWithoutProgress >= MaxAttemptsWithoutProgress)
                {
                    throw new ModelDownloadException(
                        $"Downloading {file.Path} from {file.Url} failed {failuresWithoutProgress} times without progress: {ex.Message}. " +
                        $"The partial file ({state.Hashed} bytes) is kept; the next run resumes it.", ex);
                }

                await Task.Delay(RetryDelay, cancellationToken);
            }
        }
    }

    // One request from state.Hashed onwards (a Range request when > 0); each chunk is written, then hashed, then counted,
    // so after a cut connection the file, the hash and the count agree and the next request resumes from there.
    private async Task FetchAsync(
        ModelFile file, string partial, DownloadState state, IncrementalHash hash, string? bearerToken,
        IProgress<ModelDownloadProgress>? progress, CancellationToken cancellationToken)
    {
        var have = state.Hashed;
        using var request = new HttpRequestMessage(HttpMethod.Get, file.Url);
        if (have > 0)
        {
            request.Headers.Range = new RangeHeaderValue(have, null);
        }

        if (!string.IsNullOrEmpty(bearerToken))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        switch (response.StatusCode)
        {
            case HttpStatusCode.PartialContent when response.Content.Headers.ContentRange is { From: { } from } range && from == have:
                state.Total = range.Length ?? state.Total;
                break;
            case HttpStatusCode.OK:
                // A first request, or a server that ignores Range: (re)start from byte 0.
                hash.GetHashAndReset();
                state.Hashed = have = 0;
                state.Total = response.Content.Headers.ContentLength ?? state.Total;
                await using (File.Create(partial))
                {
                }

                break;
            case HttpStatusCode.RequestedRangeNotSatisfiable when state.Total == have:
                return;   // the partial already holds the whole file
            case HttpStatusCode.RequestedRangeNotSatisfiable:
                File.Delete(partial);   // longer than the file, or the file changed: start over
                hash.GetHashAndReset();
                state.Hashed = 0;
                throw new HttpRequestException($"HTTP 416 for a resume at byte {have}; starting over");
            case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                throw new ModelDownloadException(
                    $"Downloading {file.Path}: {file.Url} answered {(int)response.StatusCode} {response.ReasonPhrase}. " +
                    "The file needs a token with access: set the hf-token parameter (Parameters:hf-token).");
            case HttpStatusCode.NotFound or HttpStatusCode.Gone:
                throw new ModelDownloadException($"Downloading {file.Path}: {file.Url} answered {(int)response.StatusCode} {response.ReasonPhrase}");
            default:
                throw new HttpRequestException(
                    $"{file.Url} answered {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        await using var output = new FileStream(partial, FileMode.Append, FileAccess.Write, FileShare.Read, BufferSize, useAsync: true);
        var buffer = new byte[BufferSize];
        progress?.Report(new ModelDownloadProgress(file, have, state.Total));
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        while (true)
        {
            idle.CancelAfter(ReadTimeout);
            int read;
            try
            {
                read = await body.ReadAsync(buffer, idle.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new IOException($"no data for {ReadTimeout.TotalSeconds:0} s");
            }

            if (read == 0)
            {
                return;
            }

            await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            hash.AppendData(buffer, 0, read);
            state.Hashed = have += read;
            progress?.Report(new ModelDownloadProgress(file, have, state.Total));
        }
    }

    private static async Task<long> HashFileAsync(IncrementalHash hash, string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return 0;
        }

        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, BufferSize, useAsync: true);
        var buffer = new byte[BufferSize];
        long length = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            length += read;
        }

        return length;
    }

    private static string Marker(string sha256, FileInfo info) =>
        string.Create(CultureInfo.InvariantCulture, $"sha256={sha256} size={info.Length} mtime={info.LastWriteTimeUtc.Ticks}");

    private static async Task<string?> ReadVerifiedMarkerAsync(string target, CancellationToken cancellationToken) =>
        File.Exists(target + ".verified") ? (await File.ReadAllTextAsync(target + ".verified", cancellationToken)).Trim() : null;

    private static Task WriteVerifiedMarkerAsync(string target, string sha256, FileInfo info, CancellationToken cancellationToken)
    {
        info.Refresh();
        return File.WriteAllTextAsync(target + ".verified", Marker(sha256, info) + "\n", cancellationToken);
    }

    private sealed class DownloadState
    {
        public long Hashed { get; set; }

        public long? Total { get; set; }
    }
}
