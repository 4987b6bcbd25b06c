using System.Security.Cryptography;
using System.Text;

namespace FluxAspire.Api.Delivery.Webhooks;

/// <summary>Standard Webhooks signing: v1,base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")).</summary>
public static class WebhookSignature
{
    public static string Sign(string messageId, long timestamp, string body, byte[] key)
    {
        var signed = Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.{body}");
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));
    }
}
