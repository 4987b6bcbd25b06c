using System.Globalization;

namespace FluxAspire.Api.Operations.Redis;

/// <summary>
/// The current verdict on Redis: available, or unavailable and why (unreachable, slow, or answering with errors).
/// Fed by <see cref="RedisAvailabilityMonitor"/> (the connection's failed/restored events and a periodic PING). Code that
/// uses Redis asks it before relying on Redis, and still treats every Redis exception as "unavailable" (never a 500).
/// Not configured (no ConnectionStrings:cache) means single-node mode: not available, with no reconnecting to wait for.
/// </summary>
public sealed partial class RedisAvailability
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly ILogger<RedisAvailability> _logger;
    private RedisVerdict _current;
    private TaskCompletionSource _available = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="endpoint">Where Redis is, for messages ("127.0.0.1:6379"), never with the password; null when no Redis is configured.</param>
    /// <param name="time">The clock for "since" times.</param>
    /// <param name="logger">Logs each change of verdict.</param>
    public RedisAvailability(string? endpoint, TimeProvider time, ILogger<RedisAvailability> logger)
    {
        Endpoint = endpoint;
        _time = time;
        _logger = logger;
        _current = endpoint is null
            ? new RedisVerdict(false, RedisTrouble.NotConfigured, NotConfiguredReason, time.GetUtcNow())
            : new RedisVerdict(false, RedisTrouble.Connecting, $"Redis at {endpoint}: connecting", time.GetUtcNow());
    }

    public const string NotConfiguredReason =
        "No Redis configured (ConnectionStrings:cache): jobs and the result cache live in this process only; run a single replica.";

    /// <summary>Raised after every change of verdict (available or not, or the kind of trouble), outside any lock.</summary>
    public event Action<RedisVerdict>? Changed;

    /// <summary>True when ConnectionStrings:cache names a Redis (an <c>IConnectionMultiplexer</c> is registered).</summary>
    public bool IsConfigured => Endpoint is not null;

    /// <summary>Redis's address(es) as "host:port" (comma-separated), without the password; null when not configured.</summary>
    public string? Endpoint { get; }

    public RedisVerdict Current
    {
        get { lock (_gate) { return _current; } }
    }

    public bool IsAvailable => Current.IsAvailable;

    /// <summary>Why Redis is not available (for logs and /ready); null while it is.</summary>
    public string? Reason => Current.Reason;

    /// <summary>Completes as soon as Redis is available (at once if it is now). Throws when no Redis is configured.</summary>
    public Task WaitUntilAvailableAsync(CancellationToken cancellationToken)
    {
        if (!IsConfigured)
        {
            throw new InvalidOperationException(NotConfiguredReason);
        }

        lock (_gate)
        {
            return _available.Task.WaitAsync(cancellationToken);
        }
    }

    internal void ReportAvailable() => Set(RedisTrouble.None, _ => null);

    /// <summary>The connection is down; keeps the time it first went down while it stays down.</summary>
    internal void ReportUnreachable() => Set(RedisTrouble.Unreachable, previous =>
        $"Redis unreachable at {Endpoint} since {(previous.Trouble == RedisTrouble.Unreachable ? previous.Since : _time.GetUtcNow()).ToString("HH:mm:ss", CultureInfo.InvariantCulture)} UTC (reconnecting)");

    /// <summary>Redis answers too slowly, or not within the timeout while connected (e.g. "PING 2300 ms").</summary>
    internal void ReportSlow(string detail) => Set(RedisTrouble.Slow, _ => $"Redis slow: {detail}");

    /// <summary>Redis answers with an error (e.g. LOADING while it reads its data, or NOAUTH).</summary>
    internal void ReportError(string message) => Set(RedisTrouble.Error, _ => $"Redis at {Endpoint} answers with an error: {message}");

    private void Set(RedisTrouble trouble, Func<RedisVerdict, string?> reason)
    {
        RedisVerdict previous, next;
        lock (_gate)
        {
            previous = _current;
            if (previous.Trouble == RedisTrouble.NotConfigured)
            {
                return;
            }

            var since = previous.Trouble == trouble ? previous.Since : _time.GetUtcNow();
            next = new RedisVerdict(trouble == RedisTrouble.None, trouble, reason(previous), since);
            _current = next;
            if (trouble == RedisTrouble.None)
            {
                _available.TrySetResult();
            }
            else if (_available.Task.IsCompleted)
            {
                _available = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        if (previous.Trouble == trouble)
        {
            return; // same kind of trouble (e.g. a new PING time): no news
        }

        if (next.IsAvailable)
        {
            if (previous.Trouble == RedisTrouble.Connecting)
            {
                LogConnected(Endpoint!);
            }
            else
            {
                LogRestored(Endpoint!, _time.GetUtcNow() - previous.Since);
            }
        }
        else
        {
            LogUnavailable(next.Reason!);
        }

        Changed?.Invoke(next);
    }

    [LoggerMessage(LogLevel.Information, "Redis connected at {Endpoint}")]
    private partial void LogConnected(string endpoint);

    [LoggerMessage(LogLevel.Information, "Redis available again at {Endpoint} after {Outage}")]
    private partial void LogRestored(string endpoint, TimeSpan outage);

    [LoggerMessage(LogLevel.Warning, "{Reason}; the API goes on without it (cache skipped, jobs in this process)")]
    private partial void LogUnavailable(string reason);
}
