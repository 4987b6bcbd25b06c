using System.Collections.Concurrent;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FluxAspire.Tests.AppHost;

/// <summary>
/// The whole AppHost (simulator + Redis + API, real processes under DCP), started once for every test in the collection:
/// each start costs 5–15 s on this machine.
/// </summary>
public sealed class AppHostFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private readonly ConcurrentQueue<string> _logs = new();
    private readonly CancellationTokenSource _stopLogs = new();
    private readonly ConcurrentDictionary<string, bool> _watched = new();

    public DistributedApplication App { get; private set; } = null!;

    /// <summary>The resources' console output so far, for failure messages.</summary>
    public string Logs => string.Join('\n', _logs);

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.FluxAspire_AppHost>(
            // Dispose returns at once; DCP reaps the processes in the background (about 20 s) instead of the test waiting ~13 s.
            // Redis: Debian's redis-server whatever the machine has (a container would need an engine that can pull images).
            // The simulator at full speed: the AppHost's default step cost (for people watching the playground) would only slow these tests.
            ["--DcpPublisher:WaitForResourceCleanup=false", "--Redis:Mode=executable", "--ComfyUI:Mode=simulator", "--ComfyUI:SimulatorStepMs=0"], cts.Token);
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Aspire.", LogLevel.Warning));
        // Watch from the moment each process starts: only then are DCP's instance names (the log keys) known.
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>((e, ct) =>
        {
            if (_watched.TryAdd(e.Resource.Name, true))
            {
                _ = CollectLogsAsync(e.Resource, e.Services.GetRequiredService<ResourceLoggerService>());
            }

            return Task.CompletedTask;
        });
        App = await builder.BuildAsync(cts.Token);

        try
        {
            // Always bounded: a resource that never becomes healthy would otherwise hang the whole test run.
            await App.StartAsync(cts.Token).WaitAsync(StartTimeout, cts.Token);
            await App.ResourceNotifications.WaitForResourceHealthyAsync("api", cts.Token).WaitAsync(StartTimeout, cts.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException or DistributedApplicationException)
        {
            throw new InvalidOperationException($"the AppHost did not come up healthy: {ex.Message}\n--- resource logs ---\n{Logs}", ex);
        }
    }

    public HttpClient CreateApiClient() => WithTimeout(App.CreateHttpClient("api", "http"));

    public HttpClient CreateComfyUIClient() => WithTimeout(App.CreateHttpClient("comfyui", "http"));

    public async Task DisposeAsync()
    {
        await _stopLogs.CancelAsync();
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        _stopLogs.Dispose();
    }

    private static HttpClient WithTimeout(HttpClient client)
    {
        client.Timeout = TimeSpan.FromSeconds(60);
        return client;
    }

    private async Task CollectLogsAsync(IResource resource, ResourceLoggerService logger)
    {
        try
        {
            await foreach (var batch in logger.WatchAsync(resource).WithCancellation(_stopLogs.Token))
            {
                foreach (var line in batch)
                {
                    _logs.Enqueue($"[{resource.Name}] {line.Content}");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            _logs.Enqueue($"[{resource.Name}] (log watch failed: {ex})");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AppHostCollection : ICollectionFixture<AppHostFixture>
{
    public const string Name = "AppHost";
}
