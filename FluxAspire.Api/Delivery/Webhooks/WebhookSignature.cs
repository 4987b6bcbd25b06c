using System.Security.Cryptography;
using System.Text;

namespace FluxAspire.Api.Delivery.Webhooks;

/// <summary>Standard Webhooks signing: v1,base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")).</summary>
public static class WebhookSignature
{
    public static string Sign(string messageId, long timestamp, string body, byte[] key)
    {
        using var hmac = Start(messageId, timestamp, key);
        hmac.AppendData(Encoding.UTF8.GetBytes(body));
        return Finish(hmac);
    }

    /// <summary>An HMAC that has read "{id}.{timestamp}."; append the body as it is written, then <see cref="Finish"/>.</summary>
    public static IncrementalHash Start(string messageId, long timestamp, byte[] key)
    {
        var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(Encoding.UTF8.GetBytes($"{messageId}.{timestamp}."));
        return hmac;
    }

    public static string Finish(IncrementalHash hmac) => "v1," + Convert.ToBase64String(hmac.GetHashAndReset());
}
