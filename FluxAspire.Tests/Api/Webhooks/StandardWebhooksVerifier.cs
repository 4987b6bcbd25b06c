using FluxAspire.Tests.Api.Outbound;
using Microsoft.AspNetCore.Http;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace FluxAspire.Tests.Api.Webhooks;

/// <summary>
/// The receiver's side of Standard Webhooks (https://www.standardwebhooks.com), checked by the StandardWebhooks package
/// and so independent of the API's signer: the webhook-id, webhook-timestamp and webhook-signature headers are present,
/// one "v1," HMAC-SHA256 signature over "{webhook-id}.{webhook-timestamp}.{body}" matches the secret (with or without
/// "whsec_"), and the timestamp is within 5 minutes.
/// </summary>
internal static class StandardWebhooksVerifier
{
    public static void Verify(string secret, ReceivedRequest request)
    {
        var headers = new HeaderDictionary();
        foreach (var name in (string[])["webhook-id", "webhook-timestamp", "webhook-signature"])
        {
            headers[name] = request.Header(name) ?? throw new Xunit.Sdk.XunitException($"no {name} header");
        }

        try
        {
            new StandardWebhook(secret).Verify(request.BodyText, headers);
        }
        catch (WebhookVerificationException ex)
        {
            throw new Xunit.Sdk.XunitException($"the Standard Webhooks signature does not verify ({ex.Message}): webhook-signature '{headers["webhook-signature"]}'");
        }
    }
}
