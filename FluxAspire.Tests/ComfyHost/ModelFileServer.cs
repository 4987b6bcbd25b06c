using System.Collections.Concurrent;

namespace FluxAspire.Tests.ComfyHost;

/// <summary>
/// A real HTTP server on a free loopback port that serves one file at <c>/models/test.safetensors</c> with Range support,
/// records every request's Range and Authorization headers, and can cut the first response off mid-body.
/// </summary>
internal sealed class ModelFileServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;
    private int _requests;

    public ModelFileServer(byte[] content)
    {
        Content = content;
        var port = FreePort.Next();
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(BaseUrl.AbsoluteUri);
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public byte[] Content { get; }

    public Uri BaseUrl { get; }

    public Uri FileUrl => new(BaseUrl, "models/test.safetensors");

    /// <summary>When set, the first response sends this many body bytes (of a full Content-Length) and then resets the connection.</summary>
    public int? CutFirstResponseAfter { get; init; }

    /// <summary>Answer Range requests with the whole file (200), like a server without Range support.</summary>
    public bool IgnoreRange { get; init; }

    /// <summary>Answer every request with this status and no body.</summary>
    public HttpStatusCode? FixedStatus { get; init; }

    /// <summary>The Range header of each request ("" when absent), in order.</summary>
    public ConcurrentQueue<string> Ranges { get; } = new();

    /// <summary>The Authorization header of each request ("" when absent), in order.</summary>
    public ConcurrentQueue<string> Authorizations { get; } = new();

    public int Requests => _requests;

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _serving;
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
        {
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            var number = Interlocked.Increment(ref _requests);
            try
            {
                await AnswerAsync(context, number);
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
            {
                // The client went away; the next request gets a fresh context.
            }
        }
    }

    private async Task AnswerAsync(HttpListenerContext context, int number)
    {
        var request = context.Request;
        var response = context.Response;
        Ranges.Enqueue(request.Headers["Range"] ?? "");
        Authorizations.Enqueue(request.Headers["Authorization"] ?? "");
        if (FixedStatus is { } status)
        {
            response.StatusCode = (int)status;
            response.Close();
            return;
        }

        if (request.Url?.AbsolutePath != FileUrl.AbsolutePath)
        {
            response.StatusCode = 404;
            response.Close();
            return;
        }

        long from = 0;
        if (!IgnoreRange && request.Headers["Range"] is { } range && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
        {
            from = long.Parse(range["bytes=".Length..^1]);
            if (from >= Content.Length)
            {
                response.StatusCode = 416;
                response.AddHeader("Content-Range", $"bytes */{Content.Length}");
                response.Close();
                return;
            }

            response.StatusCode = 206;
            response.AddHeader("Content-Range", $"bytes {from}-{Content.Length - 1}/{Content.Length}");
        }

        response.ContentType = "application/octet-stream";
        response.ContentLength64 = Content.Length - from;
        if (number == 1 && CutFirstResponseAfter is { } cut)
        {
            await response.OutputStream.WriteAsync(Content.AsMemory((int)from, cut));
            await response.OutputStream.FlushAsync();
            // The fake server's own pacing, not a wait before an assertion: the client cannot be observed reading, so
            // give it time to take what was sent before the reset, as a real server's mid-body failure would.
            await Task.Delay(300);
            response.Abort();   // a reset connection in the middle of the body
            return;
        }

        await response.OutputStream.WriteAsync(Content.AsMemory((int)from));
        response.Close();
    }
}
