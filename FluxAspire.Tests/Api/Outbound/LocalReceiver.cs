using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FluxAspire.Tests.Api.Outbound;

/// <summary>One request a <see cref="LocalReceiver"/> got.</summary>
public sealed record ReceivedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body, DateTimeOffset At)
{
    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : null;
}

/// <summary>
/// A real Kestrel server on 127.0.0.1 (free port) that records every request and answers with <see cref="Respond"/>
/// (default 200): the webhook / upload receiver of the integration tests.
/// </summary>
public sealed class LocalReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<ReceivedRequest> _received = Channel.CreateUnbounded<ReceivedRequest>();

    private LocalReceiver(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>"127.0.0.1:port", the OutboundUrls:Allow entry that lets the API call this receiver.</summary>
    public string HostPort => $"{BaseAddress.Host}:{BaseAddress.Port}";

    /// <summary>Decides each answer; the n-th request (from 1) and the request itself are given.</summary>
    public Func<int, ReceivedRequest, HttpContext, Task> Respond { get; set; } = (_, _, context) => { context.Response.StatusCode = 200; return Task.CompletedTask; };

    private int _count;
    private readonly System.Collections.Concurrent.ConcurrentQueue<ReceivedRequest> _all = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Func<int, ReceivedRequest, HttpContext, Task>> _routes = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _counts = new();

    /// <summary>Answers requests whose path starts with <paramref name="pathPrefix"/>; n counts requests to that prefix.</summary>
    public void RespondAt(string pathPrefix, Func<int, ReceivedRequest, HttpContext, Task> respond) => _routes[pathPrefix] = respond;

    /// <summary>Everything received so far under <paramref name="pathPrefix"/>, in arrival order.</summary>
    public IReadOnlyList<ReceivedRequest> ReceivedAt(string pathPrefix) => _all.Where(r => r.Path.StartsWith(pathPrefix, StringComparison.Ordinal)).ToList();

    /// <summary>Waits until <paramref name="count"/> requests arrived under <paramref name="pathPrefix"/>.</summary>
    public async Task<IReadOnlyList<ReceivedRequest>> WaitForAsync(string pathPrefix, int count = 1, TimeSpan? timeout = null)
    {
        var received = ReceivedAt(pathPrefix);
        if (await Eventually.TryUntilAsync(() => (received = ReceivedAt(pathPrefix)).Count >= count, timeout ?? TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(20)))
        {
            return received;
        }

        throw new TimeoutException($"{received.Count} of {count} requests arrived under {pathPrefix}");
    }

    public static async Task<LocalReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new LocalReceiver(app);
        app.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
            var request = new ReceivedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, headers, body.ToArray(), DateTimeOffset.UtcNow);
            var route = receiver._routes.Keys.Where(k => request.Path.StartsWith(k, StringComparison.Ordinal)).MaxBy(k => k.Length);
            if (route is not null)
            {
                var n = receiver._counts.AddOrUpdate(route, 1, (_, c) => c + 1);
                await receiver._routes[route](n, request, context);
            }
            else
            {
                await receiver.Respond(Interlocked.Increment(ref receiver._count), request, context);
            }

            receiver._all.Enqueue(request);
            receiver._received.Writer.TryWrite(request);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.BaseAddress = new Uri(address);
        return receiver;
    }

    /// <summary>The next request received, or a TimeoutException after <paramref name="timeout"/>.</summary>
    public async Task<ReceivedRequest> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        try
        {
            return await _received.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("the receiver got no request in time");
        }
    }

    /// <summary>True when no further request arrives within <paramref name="wait"/>.</summary>
    public async Task<bool> StaysQuietAsync(TimeSpan wait)
    {
        using var cts = new CancellationTokenSource(wait);
        try
        {
            await _received.Reader.WaitToReadAsync(cts.Token);
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
