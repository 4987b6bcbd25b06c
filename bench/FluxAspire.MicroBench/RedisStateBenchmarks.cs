using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using FluxAspire.Api.Operations.Resilience;
using FluxAspire.Api.Pipeline.Jobs;
using FluxAspire.Bench;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace FluxAspire.MicroBench;

/// <summary>
/// A job's state changes in Redis, each one round trip to a local redis-server (started here, append-only file as the
/// AppHost runs it): add and start, and completion with one 1.7 MB output (the bytes written once, then the script).
/// </summary>
public class RedisStateBenchmarks
{
    private RedisLauncher _redis = null!;
    private ConnectionMultiplexer _connection = null!;
    private RedisJobStore _store = null!;
    private JsonObject _graph = null!;
    private JobResult _result = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _redis = await RedisLauncher.StartAsync();
        _connection = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
        // The API's own resilience pipelines (RedisSignals retries through "redis-outage").
        var host = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new Microsoft.Extensions.Hosting.HostApplicationBuilderSettings { DisableDefaults = true });
        host.AddResilience();
        var pipelines = host.Build().Services.GetRequiredService<Polly.Registry.ResiliencePipelineProvider<string>>();
        var signals = new RedisSignals(_connection, pipelines, TimeProvider.System, NullLogger<RedisSignals>.Instance);
        // Short retention: every iteration leaves a job behind, and Redis must not fill with 1.7 MB outputs.
        var options = Microsoft.Extensions.Options.Options.Create(new JobsOptions
        {
            ResultRetention = TimeSpan.FromSeconds(1),
            Retention = TimeSpan.FromSeconds(2),
        });
        _store = new RedisJobStore(_connection, signals, new ReplicaIdentity(), options, TimeProvider.System);
        _graph = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "workflows", "text2img.json")))!.AsObject();
        var png = new byte[HotPathBenchmarks.PngBytes];
        new Random(42).NextBytes(png);
        _result = new JobResult("", _graph, [new JobOutputFile("9", "ComfyUI_00001_.png", png)],
            new JobStats(0, 0, new Dictionary<string, long>(), TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero));
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _connection.DisposeAsync();
        await _redis.DisposeAsync();
    }

    /// <summary>Stored and taken by a worker: the two scripts every job runs before ComfyUI sees it.</summary>
    [Benchmark]
    public async Task<bool> Add_and_start_a_job() => await StartedJobAsync() is not null;

    /// <summary>Succeeded with one 1.7 MB output, after add and start.</summary>
    [Benchmark]
    public async Task<bool> Add_start_and_complete_with_a_1_7_MB_output()
    {
        var id = await StartedJobAsync() ?? throw new InvalidOperationException("the job did not start");
        return await _store.CompleteAsync(id, _result with { Id = id }, failure: null, CancellationToken.None);
    }

    private async Task<string?> StartedJobAsync()
    {
        var id = Guid.NewGuid().ToString();
        var job = new JobRecord(new JobRequest(id, _graph, DateTimeOffset.UtcNow, TimeSpan.Zero), DateTimeOffset.UtcNow.AddSeconds(1));
        return await _store.TryAddAsync(job, CancellationToken.None) && await _store.TryStartAsync(id, "bench", CancellationToken.None) ? id : null;
    }
}
