namespace FluxAspire.Tests.Api.Webhooks;

/// <summary>A simulator, a local receiver on 127.0.0.1 and an API that may call it (OutboundUrls:Allow) and signs with
/// <see cref="Secret"/>; shared by the tests of one class.</summary>
public sealed class WebhookEnvironment() : ApiWithReceiver(new Dictionary<string, string>
{
    ["WEBHOOK_SECRET"] = Secret,
    ["Webhooks__RetryDelay"] = "00:00:00.100",
    ["Webhooks__RetryFor"] = "00:00:30",
})
{
    /// <summary>In svix's "whsec_" form, to prove the prefix is stripped; the key is the bytes of "fluxaspire-test-key".</summary>
    public const string Secret = "whsec_Zmx1eGFzcGlyZS10ZXN0LWtleQ==";
}
