using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FluxAspire.Api.Pipeline.Outputs;

namespace FluxAspire.Api.Delivery.Webhooks;

/// <summary>
/// A webhook's JSON body. Small ones are text; those that carry output files are written from the files' bytes each time
/// they are sent (<see cref="JsonBodyWriter"/>), so a webhook waiting for its retries holds the outputs once, not a
/// base64 copy of them.
/// </summary>
public abstract class WebhookBody
{
    public static implicit operator WebhookBody(string text) => new Text(text);

    /// <summary>A body of <paramref name="fields"/>, written with <paramref name="options"/> (escaping as System.Text.Json does).</summary>
    public static WebhookBody Json(IReadOnlyList<JsonBodyField> fields, JsonSerializerOptions options) => new Fields(fields, options);

    public abstract Task WriteToAsync(Stream destination, CancellationToken cancellationToken);

    /// <summary>The body as text (tests, logs): writes it out once.</summary>
    public async Task<string> ReadAsStringAsync(CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await WriteToAsync(buffer, cancellationToken);
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>
    /// The body's length and, with a <paramref name="key"/>, its Standard Webhooks signature over
    /// "{id}.{timestamp}.{body}", in one pass that keeps nothing of the body.
    /// </summary>
    public async Task<(long Length, string? Signature)> MeasureAsync(string messageId, long timestamp, byte[]? key, CancellationToken cancellationToken)
    {
        await using var sink = new MeasuringStream(key is null ? null : WebhookSignature.Start(messageId, timestamp, key));
        await WriteToAsync(sink, cancellationToken);
        return (sink.Length, sink.Hash is { } hmac ? WebhookSignature.Finish(hmac) : null);
    }

    /// <summary>The request content: this body, <paramref name="length"/> bytes of application/json.</summary>
    public HttpContent ToContent(long length) => new Content(this, length);

    private sealed class Text(string text) : WebhookBody
    {
        private readonly byte[] _utf8 = Encoding.UTF8.GetBytes(text);

        public override Task WriteToAsync(Stream destination, CancellationToken cancellationToken) =>
            destination.WriteAsync(_utf8, cancellationToken).AsTask();
    }

    private sealed class Fields(IReadOnlyList<JsonBodyField> fields, JsonSerializerOptions options) : WebhookBody
    {
        public override Task WriteToAsync(Stream destination, CancellationToken cancellationToken) =>
            JsonBodyWriter.WriteObjectAsync(destination, fields, options, cancellationToken);
    }

    private sealed class Content : HttpContent
    {
        private readonly WebhookBody _body;
        private readonly long _length;

        public Content(WebhookBody body, long length)
        {
            _body = body;
            _length = length;
            Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            _body.WriteToAsync(stream, CancellationToken.None);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
            _body.WriteToAsync(stream, cancellationToken);

        protected override bool TryComputeLength(out long length)
        {
            length = _length;
            return true;
        }
    }

    /// <summary>Counts (and hashes) what is written to it, and keeps none of it.</summary>
    private sealed class MeasuringStream(IncrementalHash? hash) : Stream
    {
        public IncrementalHash? Hash => hash;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Position;

        public override long Position { get; set; }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            hash?.AppendData(buffer);
            Position += buffer.Length;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                hash?.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
