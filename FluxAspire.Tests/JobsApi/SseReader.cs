using System.Text;

namespace FluxAspire.Tests.JobsApi;

/// <summary>One Server-Sent Events frame: an event (id, event name, data) or a comment line.</summary>
public sealed record SseFrame(string? Id, string? Event, string? Data, string? Comment = null)
{
    public bool IsComment => Comment is not null;
}

/// <summary>Reads text/event-stream frames as the WHATWG parser does (fields up to a blank line; ":" starts a comment).</summary>
public sealed class SseReader(Stream stream) : IDisposable
{
    private readonly StreamReader _reader = new(stream, Encoding.UTF8);

    /// <summary>The next frame; null at the end of the stream. Throws TimeoutException when none comes within <paramref name="timeout"/>.</summary>
    public async Task<SseFrame?> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        string? id = null, name = null;
        StringBuilder? data = null;
        while (true)
        {
            string? line;
            try
            {
                line = await _reader.ReadLineAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("no server-sent event arrived in time");
            }

            if (line is null)
            {
                return null;
            }

            if (line.Length == 0)
            {
                if (data is not null || name is not null || id is not null)
                {
                    return new SseFrame(id, name ?? "message", data?.ToString());
                }

                continue;
            }

            if (line.StartsWith(':'))
            {
                return new SseFrame(null, null, null, line[1..].Trim());
            }

            var colon = line.IndexOf(':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "id": id = value; break;
                case "event": name = value; break;
                case "data": data = data is null ? new StringBuilder(value) : data.Append('\n').Append(value); break;
            }
        }
    }

    /// <summary>The next event, skipping comments.</summary>
    public async Task<SseFrame?> NextEventAsync(TimeSpan? timeout = null)
    {
        while (await NextAsync(timeout) is { } frame)
        {
            if (!frame.IsComment) return frame;
        }

        return null;
    }

    public void Dispose() => _reader.Dispose();
}
