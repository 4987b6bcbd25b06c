using System.Text.Json;
using StackExchange.Redis;

namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>Cancels across replicas: publishes "id\nreason"; every replica listens and stops the job if its worker runs it.</summary>
public sealed partial class RedisJobStopper(IConnectionMultiplexer redis, JobWorker worker, ILogger<RedisJobStopper> logger)
    : BackgroundService, IRemoteJobStopper
{
    public async Task StopElsewhereAsync(string id, JobFailure reason)
    {
        try
        {
            await redis.GetSubscriber().PublishAsync(RedisKeys.Cancel, $"{id}\n{JsonSerializer.Serialize(reason)}");
        }
        catch (Exception e) when (RedisFailures.IsOutage(e))
        {
            // The job's end is recorded already; its replica finds out when it finishes (its end is then ignored).
            LogPublishFailed(id, e.Message);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await redis.GetSubscriber().SubscribeAsync(RedisKeys.Cancel, (_, message) => Stop(message.ToString()));
                return;
            }
            catch (Exception e) when (RedisFailures.IsOutage(e))
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    private void Stop(string message)
    {
        if (message.Split('\n', 2) is [var id, var json] && JsonSerializer.Deserialize<JobFailure>(json) is { } reason && worker.TryCancelRunning(id, reason))
        {
            LogStopped(id);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Could not tell other replicas to stop job {JobId}: {Reason}")]
    private partial void LogPublishFailed(string jobId, string reason);

    [LoggerMessage(LogLevel.Information, "Stopped job {JobId} here: it was cancelled on another replica")]
    private partial void LogStopped(string jobId);
}
