namespace FluxAspire.Api.Delivery.Outbound;

/// <summary>
/// The named HttpClient for every URL a request makes us call: <c>httpClientFactory.CreateClient(OutboundHttp.ClientName)</c>.
/// Its pipeline checks each URL and each redirect hop with <see cref="IOutboundUrlGuard"/> (throws
/// <see cref="OutboundUrlRefusedException"/>), re-checks the address it actually connects to (DNS rebinding), ignores
/// proxies, times out after OutboundUrls:Timeout and buffers at most OutboundUrls:MaxResponseBytes.
/// </summary>
public static class OutboundHttp
{
    public const string ClientName = "outbound";

    /// <summary>Reads a body streamed with ResponseHeadersRead, refusing one larger than <paramref name="maxBytes"/>.</summary>
    public static async Task<byte[]> ReadAsBytesLimitedAsync(this HttpContent content, long maxBytes, CancellationToken cancellationToken = default)
    {
        if (content.Headers.ContentLength > maxBytes)
            throw new HttpRequestException($"response body of {content.Headers.ContentLength} bytes exceeds the {maxBytes}-byte limit");
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes) throw new HttpRequestException($"response body exceeds the {maxBytes}-byte limit");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
