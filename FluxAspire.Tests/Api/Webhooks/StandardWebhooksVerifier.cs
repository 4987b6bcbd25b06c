using System.Security.Cryptography;
using System.Text;
using FluxAspire.Tests.Api.Outbound;

namespace FluxAspire.Tests.Api.Webhooks;

/// <summary>
/// The receiver's side of Standard Webhooks, written from the spec (https://www.standardwebhooks.com) and independent of
/// the API's signer: key = base64 of the secret without "whsec_"; signed content "{webhook-id}.{webhook-timestamp}.{body}";
/// webhook-signature is a space-separated list of "v1,&lt;base64 HMAC-SHA256&gt;"; the timestamp must be within 5 minutes.
/// </summary>
internal static class StandardWebhooksVerifier
{
    public static void Verify(string secret, ReceivedRequest request)
    {
        var id = request.Header("webhook-id") ?? throw new Xunit.Sdk.XunitException("no webhook-id header");
        var timestampText = request.Header("webhook-timestamp") ?? throw new Xunit.Sdk.XunitException("no webhook-timestamp header");
        var signatures = request.Header("webhook-signature") ?? throw new Xunit.Sdk.XunitException("no webhook-signature header");

        var timestamp = long.Parse(timestampText, System.Globalization.CultureInfo.InvariantCulture);
        var age = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - timestamp;
        Assert.InRange(age, -300, 300);

        var key = Convert.FromBase64String(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret[6..] : secret);
        using var hmac = new HMACSHA256(key);
        var expected = hmac.ComputeHash(Encoding.UTF8.GetBytes(id + "." + timestampText + "." + request.BodyText));

        var matched = signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => s.Split(',', 2))
            .Any(parts => parts.Length == 2 && parts[0] == "v1"
                && CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(parts[1]), expected));
        Assert.True(matched, $"no v1 signature in '{signatures}' matches the body");
    }
}
