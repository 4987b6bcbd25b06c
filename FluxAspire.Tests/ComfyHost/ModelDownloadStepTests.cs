using System.Security.Cryptography;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FluxAspire.Tests.ComfyHost;

/// <summary>
/// The download step run by a started app (DCP included): it reports on the dashboard, ends Finished with exit code 0
/// or Exited with exit code 1, and a resource that waits for its completion starts only after it succeeded.
/// </summary>
public sealed class ModelDownloadStepTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private static readonly byte[] Content = RandomNumberGenerator.GetBytes(2 * 1024 * 1024 + 5);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fluxaspire-tests", "step-" + Guid.NewGuid().ToString("N"));
    private ModelFileServer _server = null!;

    public Task InitializeAsync()
    {
        _server = new ModelFileServer(Content);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task A_good_download_finishes_and_releases_its_dependent_a_bad_one_fails_and_holds_its_dependent_back()
    {
        using var cts = new CancellationTokenSource(Timeout);
        // The AppHost assembly carries the DCP path; the app itself is only what this test adds (no ports, no dashboard).
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            Args = ["--DcpPublisher:WaitForResourceCleanup=false"],
            AssemblyName = "FluxAspire.AppHost",
            DisableDashboard = true,
        });
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        var sha = Convert.ToHexStringLower(SHA256.HashData(Content));
        var good = builder.AddComfyUIModelDownload("good-models", Path.Combine(_root, "good"),
            [new ModelFile(_server.FileUrl, "checkpoints/test.safetensors", sha)]);
        var bad = builder.AddComfyUIModelDownload("bad-models", Path.Combine(_root, "bad"),
            [new ModelFile(_server.FileUrl, "checkpoints/test.safetensors", new string('0', 64))]);
        builder.AddExecutable("after-good", "sleep", _root, "60").WaitForCompletion(good);
        builder.AddExecutable("after-bad", "sleep", _root, "60").WaitForCompletion(bad);
        Directory.CreateDirectory(_root);

        await using var app = builder.Build();
        await app.StartAsync(cts.Token).WaitAsync(Timeout, cts.Token);
        var notifications = app.ResourceNotifications;

        var finished = await notifications.WaitForResourceAsync("good-models", e => e.Snapshot.State?.Text == KnownResourceStates.Finished, cts.Token);
        Assert.Equal(0, finished.Snapshot.ExitCode);
        var progress = Assert.Single(finished.Snapshot.Properties, p => p.Name == "model.0.progress").Value as string;
        Assert.Matches(@"^checkpoints/test\.safetensors: downloaded 0\.0 GB in \d+ s \(1 requests\), SHA-256 [0-9a-f]{64} verified$", progress);
        Assert.Equal(Content, await File.ReadAllBytesAsync(Path.Combine(_root, "good", "checkpoints", "test.safetensors"), cts.Token));
        await notifications.WaitForResourceAsync("after-good", KnownResourceStates.Running, cts.Token);

        var failed = await notifications.WaitForResourceAsync("bad-models", e => e.Snapshot.State?.Text == KnownResourceStates.Exited, cts.Token);
        Assert.Equal(1, failed.Snapshot.ExitCode);
        Assert.False(File.Exists(Path.Combine(_root, "bad", "checkpoints", "test.safetensors")));
        var held = await notifications.WaitForResourceAsync("after-bad", e => e.Snapshot.State?.Text == KnownResourceStates.FailedToStart, cts.Token);
        Assert.Null(held.Snapshot.StartTimeStamp);
    }
}
