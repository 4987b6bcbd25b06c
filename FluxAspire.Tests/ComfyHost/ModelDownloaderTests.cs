using System.Security.Cryptography;
using Aspire.Hosting.ApplicationModel;

namespace FluxAspire.Tests.ComfyHost;

/// <summary>The model downloader against a real HTTP server on loopback.</summary>
public sealed class ModelDownloaderTests : IDisposable
{
    private const string RelativePath = "checkpoints/test.safetensors";
    private static readonly byte[] Content = RandomBytes(3 * 1024 * 1024 + 777);
    private static readonly string ContentSha256 = Convert.ToHexStringLower(SHA256.HashData(Content));

    private readonly string _models = Path.Combine(Path.GetTempPath(), "fluxaspire-tests", "models-" + Guid.NewGuid().ToString("N"));

    private string TargetPath => Path.Combine(_models, "checkpoints", "test.safetensors");

    public void Dispose()
    {
        if (Directory.Exists(_models))
        {
            Directory.Delete(_models, recursive: true);
        }
    }

    [Fact]
    public async Task Downloads_the_whole_file_and_checks_its_SHA256()
    {
        await using var server = new ModelFileServer(Content);
        var progress = new List<ModelDownloadProgress>();

        var result = await Downloader().EnsureAsync(File(server), _models, progress: new SyncProgress(progress.Add));

        Assert.Equal((true, (long)Content.Length, ContentSha256, 1), (result.Downloaded, result.Bytes, result.Sha256, result.Requests));
        Assert.Equal(TargetPath, result.FullPath);
        Assert.Equal(Content, await System.IO.File.ReadAllBytesAsync(TargetPath));
        Assert.False(System.IO.File.Exists(TargetPath + ".partial"));
        Assert.Equal([""], server.Ranges);
        Assert.Equal(new ModelDownloadProgress(result.File, Content.Length, Content.Length), progress[^1]);
        Assert.Equal(100, progress[^1].Percent);
    }

    [Fact]
    public async Task A_cut_connection_is_resumed_with_a_Range_request()
    {
        const int cut = 1024 * 1024 + 123;
        await using var server = new ModelFileServer(Content) { CutFirstResponseAfter = cut };

        var result = await Downloader().EnsureAsync(File(server), _models);

        Assert.Equal(["", $"bytes={cut}-"], server.Ranges);
        Assert.Equal((true, 2, ContentSha256), (result.Downloaded, result.Requests, result.Sha256));
        Assert.Equal(Content, await System.IO.File.ReadAllBytesAsync(TargetPath));
    }

    [Fact]
    public async Task A_partial_file_left_by_an_earlier_run_is_resumed()
    {
        await using var server = new ModelFileServer(Content);
        Directory.CreateDirectory(Path.GetDirectoryName(TargetPath)!);
        await System.IO.File.WriteAllBytesAsync(TargetPath + ".partial", Content[..500_000]);

        var result = await Downloader().EnsureAsync(File(server), _models);

        Assert.Equal(["bytes=500000-"], server.Ranges);
        Assert.Equal(ContentSha256, result.Sha256);
        Assert.Equal(Content, await System.IO.File.ReadAllBytesAsync(TargetPath));
    }

    [Fact]
    public async Task A_server_that_ignores_Range_makes_the_download_start_over()
    {
        await using var server = new ModelFileServer(Content) { IgnoreRange = true };
        Directory.CreateDirectory(Path.GetDirectoryName(TargetPath)!);
        await System.IO.File.WriteAllBytesAsync(TargetPath + ".partial", Content[..500_000]);

        var result = await Downloader().EnsureAsync(File(server), _models);

        Assert.Equal(["bytes=500000-"], server.Ranges);
        Assert.Equal(ContentSha256, result.Sha256);
        Assert.Equal(Content, await System.IO.File.ReadAllBytesAsync(TargetPath));
    }

    [Fact]
    public async Task A_SHA256_mismatch_fails_naming_both_hashes_and_leaves_no_file()
    {
        await using var server = new ModelFileServer(Content);
        var expected = new string('a', 64);

        var error = await Assert.ThrowsAsync<ModelDownloadException>(() =>
            Downloader().EnsureAsync(File(server) with { Sha256 = expected }, _models));

        Assert.Equal(
            $"SHA-256 mismatch for {RelativePath} from {server.FileUrl}: expected {expected}, got {ContentSha256}. " +
            "The download was deleted; check ComfyUI:Models Url and Sha256.",
            error.Message);
        Assert.False(System.IO.File.Exists(TargetPath));
        Assert.False(System.IO.File.Exists(TargetPath + ".partial"));
    }

    [Fact]
    public async Task A_present_verified_file_is_skipped_without_a_request()
    {
        await using var server = new ModelFileServer(Content);
        Directory.CreateDirectory(Path.GetDirectoryName(TargetPath)!);
        await System.IO.File.WriteAllBytesAsync(TargetPath, Content);

        var first = await Downloader().EnsureAsync(File(server), _models);
        var second = await Downloader().EnsureAsync(File(server), _models);

        Assert.Equal((false, ContentSha256, 0), (first.Downloaded, first.Sha256, first.Requests));
        Assert.Equal((false, ContentSha256, 0), (second.Downloaded, second.Sha256, second.Requests));
        Assert.Equal(0, server.Requests);
        Assert.StartsWith($"sha256={ContentSha256} size={Content.Length} mtime=", await System.IO.File.ReadAllTextAsync(TargetPath + ".verified"));
    }

    [Fact]
    public async Task A_present_file_with_other_content_is_replaced_by_a_verified_download()
    {
        await using var server = new ModelFileServer(Content);
        Directory.CreateDirectory(Path.GetDirectoryName(TargetPath)!);
        await System.IO.File.WriteAllBytesAsync(TargetPath, Content[..1000]);

        var result = await Downloader().EnsureAsync(File(server), _models);

        Assert.Equal((true, 1), (result.Downloaded, result.Requests));
        Assert.Equal(Content, await System.IO.File.ReadAllBytesAsync(TargetPath));
    }

    [Fact]
    public async Task A_token_is_sent_as_a_bearer_header()
    {
        await using var server = new ModelFileServer(Content);

        await Downloader().EnsureAsync(File(server), _models, bearerToken: "hf_secret");

        Assert.Equal(["Bearer hf_secret"], server.Authorizations);
    }

    [Fact]
    public async Task Unauthorized_fails_at_once_and_says_which_parameter_holds_the_token()
    {
        await using var server = new ModelFileServer(Content) { FixedStatus = HttpStatusCode.Unauthorized };

        var error = await Assert.ThrowsAsync<ModelDownloadException>(() => Downloader().EnsureAsync(File(server), _models, bearerToken: "hf_wrong"));

        Assert.Equal(
            $"Downloading {RelativePath}: {server.FileUrl} answered 401 Unauthorized. " +
            "The file needs a token with access: set the hf-token parameter (Parameters:hf-token).",
            error.Message);
        Assert.DoesNotContain("hf_wrong", error.Message);
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task A_server_that_keeps_failing_gives_up_after_the_attempts_without_progress()
    {
        await using var server = new ModelFileServer(Content) { FixedStatus = HttpStatusCode.ServiceUnavailable };

        var error = await Assert.ThrowsAsync<ModelDownloadException>(() => Downloader().EnsureAsync(File(server), _models));

        Assert.Equal(3, server.Requests);
        Assert.StartsWith($"Downloading {RelativePath} from {server.FileUrl} failed 3 times without progress: ", error.Message);
        Assert.False(System.IO.File.Exists(TargetPath));
    }

    [Fact]
    public void A_path_that_leaves_the_models_folder_is_refused()
    {
        var file = new ModelFile(new Uri("http://127.0.0.1/x"), "checkpoints/../../etc/passwd");

        Assert.Throws<ModelDownloadException>(() => ModelDownloader.TargetPath(file, _models));
    }

    private static ModelDownloader Downloader() => new(new HttpClient()) { RetryDelay = TimeSpan.FromMilliseconds(10), MaxAttemptsWithoutProgress = 3 };

    private static ModelFile File(ModelFileServer server) => new(server.FileUrl, RelativePath, ContentSha256, Content.Length);

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        new Random(1234).NextBytes(bytes);
        return bytes;
    }

    // Progress<T> posts to the thread pool, so the last report could arrive after the call returns; this one reports inline.
    private sealed class SyncProgress(Action<ModelDownloadProgress> report) : IProgress<ModelDownloadProgress>
    {
        public void Report(ModelDownloadProgress value) => report(value);
    }
}
