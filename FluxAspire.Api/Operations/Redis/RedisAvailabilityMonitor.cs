using System.Globalization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FluxAspire.Api.Operations.Redis;

/// <summary>
/// Keeps <see cref="RedisAvailability"/> current: PINGs Redis every <see cref="RedisOptions.CheckInterval"/> and at once
/// when the connection fails or comes back. Without Redis it only says, once at start-up, that this is a single node.
/// It is also what first connects: resolving the multiplexer here, off the start-up path, means a Redis that is down
/// neither delays nor fails the start, and later callers find the connection already made (or reconnecting).
/// </summary>
public sealed partial class RedisAvailabilityMonitor(
    IServiceProvider services,
    RedisAvailability availability,
    IOptions<RedisOptions> options,
    TimeProvider time,
    ILogger<RedisAvailabilityMonitor> logger) : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!availability.IsConfigured)
        {
            LogSingleNode(RedisAvailability.NotConfiguredReason);
            return;
        }

        await Task.Yield();
        var multiplexer = services.GetRequiredService<IConnectionMultiplexer>();
        multiplexer.ConnectionFailed += OnConnectionFailed;
        multiplexer.ConnectionRestored += OnConnectionRestored;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await CheckAsync(multiplexer, stoppingToken);
                await _wake.WaitAsync(options.Value.CheckInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            multiplexer.ConnectionFailed -= OnConnectionFailed;
            multiplexer.ConnectionRestored -= OnConnectionRestored;
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    private async Task CheckAsync(IConnectionMultiplexer multiplexer, CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var started = time.GetTimestamp();
        try
        {
            // The client's own timeout applies; the outer one only guards against a client that never gives up.
            await multiplexer.GetDatabase().PingAsync().WaitAsync(settings.Timeout * 2, stoppingToken);
            var elapsed = time.GetElapsedTime(started);
            if (elapsed > settings.SlowPing)
            {
                availability.ReportSlow($"PING {Milliseconds(elapsed)} ms");
            }
            else
            {
                availability.ReportAvailable();
            }
        }
        // The client passes a reset socket through as an I/O error (Redis restarting): unreachable, like a refused connection.
        catch (Exception ex) when (ex is RedisConnectionException or IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            availability.ReportUnreachable();
        }
        // The client reports some timeouts as a cancelled task (seen with a frozen server): slow, not a reason to stop.
        catch (Exception ex) when (ex is RedisTimeoutException or TimeoutException || (ex is OperationCanceledException && !stoppingToken.IsCancellationRequested))
        {
            if (multiplexer.IsConnected)
            {
                availability.ReportSlow($"PING got no answer within {Milliseconds(settings.Timeout)} ms");
            }
            else
            {
                availability.ReportUnreachable();
            }
        }
        catch (RedisException ex)
        {
            availability.ReportError(ex.Message);
        }
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        availability.ReportUnreachable();
        Wake();
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e) => Wake();

    private void Wake()
    {
        try
        {
            if (_wake.CurrentCount == 0)
            {
                _wake.Release();
            }
        }
        catch (SemaphoreFullException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private static string Milliseconds(TimeSpan span) => ((long)span.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);

    [LoggerMessage(LogLevel.Warning, "{Reason}")]
    private partial void LogSingleNode(string reason);
}
