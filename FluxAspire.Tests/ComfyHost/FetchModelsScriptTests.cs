using System.Diagnostics;
using System.Security.Cryptography;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace FluxAspire.Tests.ComfyHost;

/// <summary>
/// comfyui/fetch_models.py, the deployment's model-download step (run by the image in Compose), run with the machine's
/// python3 against a real HTTP server on loopback.
/// </summary>
public sealed class FetchModelsScriptTests : IDisposable
{
    private const string RelativePath = "checkpoints/test.safetensors";
    private static readonly byte[] Content = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 321);
    private static readonly string ContentSha256 = Convert.ToHexStringLower(SHA256.HashData(Content));

    private readonly string _models = Path.Combine(Path.GetTempPath(), "fluxaspire-tests", "fetch-" + Guid.NewGuid().ToString("N"));

    private string TargetPath => Path.Combine(_models, "checkpoints", "test.safetensors");

    public void Dispose()
    {
        if (Directory.Exists(_models))
        {
            Directory.Delete(_models, recursive: true);
        }
    }

    [Fact]
    public async Task Downloads_and_verifies()
    {
        await using var server = new ModelFileServer(Content);

        var (exitCode, output) = await RunAsync(server, ContentSha256);

        Assert.Equal(0, exitCode);
        Assert.Matches($@"^{RelativePath}: downloaded 0\.0 GB in \d+ s \(1 requests\), SHA-256 {ContentSha256} verified$", output.Trim());
        Assert.Equal(Content, await File.ReadAllBytesAsync(TargetPath));
        Assert.False(File.Exists(TargetPath + ".partial"));
    }

    [Fact]
    public async Task Resumes_a_cut_connection_with_a_Range_request()
    {
        const int cut = 1024 * 1024 + 99;
        await using var server = new ModelFileServer(Content) { CutFirstResponseAfter = cut };

        var (exitCode, output) = await RunAsync(server, ContentSha256);

        Assert.True(exitCode == 0, output);
        Assert.Equal(["", $"bytes={cut}-"], server.Ranges);
        Assert.Equal(Content, await File.ReadAllBytesAsync(TargetPath));
    }

    [Fact]
    public async Task A_SHA256_mismatch_exits_1_naming_both_hashes_and_leaves_no_file()
    {
        await using var server = new ModelFileServer(Content);
        var expected = new string('e', 64);

        var (exitCode, output) = await RunAsync(server, expected);

        Assert.Equal(1, exitCode);
        Assert.Equal(
            $"fetch_models: SHA-256 mismatch for {RelativePath} from {server.FileUrl}: expected {expected}, got {ContentSha256}. " +
            "The download was deleted; check ComfyUI:Models Url and Sha256.",
            output.Trim());
        Assert.False(File.Exists(TargetPath));
        Assert.False(File.Exists(TargetPath + ".partial"));
    }

    [Fact]
    public async Task A_file_the_AppHost_verified_is_skipped_without_a_request()
    {
        await using var server = new ModelFileServer(Content);
        var file = new ModelFile(server.FileUrl, RelativePath, ContentSha256);
        await new ModelDownloader(new HttpClient()).EnsureAsync(file, _models);
        var requestsBefore = server.Requests;

        var (exitCode, output) = await RunAsync(server, ContentSha256);

        Assert.Equal(0, exitCode);
        Assert.Equal($"{RelativePath}: already present, SHA-256 {ContentSha256} verified; not downloaded", output.Trim());
        Assert.Equal(requestsBefore, server.Requests);
    }

    [Fact]
    public async Task Sends_HF_TOKEN_as_a_bearer_header_and_never_prints_it()
    {
        await using var server = new ModelFileServer(Content) { FixedStatus = HttpStatusCode.Forbidden };

        var (exitCode, output) = await RunAsync(server, ContentSha256, token: "hf_script_secret");

        Assert.Equal(1, exitCode);
        Assert.Equal(["Bearer hf_script_secret"], server.Authorizations);
        Assert.Equal(
            $"fetch_models: Downloading {RelativePath}: {server.FileUrl} answered 403 Forbidden. " +
            "The file needs a token with access: set HF_TOKEN (the hf-token parameter).",
            output.Trim());
    }

    private async Task<(int ExitCode, string Output)> RunAsync(ModelFileServer server, string sha256, string? token = null)
    {
        var start = new ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(RepoPaths.Root, "comfyui", "fetch_models.py"));
        start.Environment["COMFYUI_MODELS"] = ComfyUIModelExtensions.FetchList([new ModelFile(server.FileUrl, RelativePath, sha256)]);
        start.Environment["COMFYUI_MODELS_DIR"] = _models;
        start.Environment["FETCH_MODELS_RETRY_DELAY"] = "0.01";
        if (token is not null)
        {
            start.Environment["HF_TOKEN"] = token;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var errors = await stderr;
        Assert.True(errors.Length == 0, errors);
        return (process.ExitCode, await stdout);
    }
}
