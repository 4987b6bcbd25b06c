using FluxAspire.Api.Delivery.Webhooks;
using StandardWebhooks;

namespace FluxAspire.Tests.Api.Webhooks;

public class WebhookSignatureTests
{
    [Fact]
    public void Signs_the_Standard_Webhooks_reference_vector()
    {
        // The example of the Standard Webhooks specification.
        var key = WebhookSecret.Parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").Key!;
        var signature = WebhookSignature.Sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, """{"test": 2432232314}""", key);
        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
    }

    [Fact]
    public void Signs_as_the_StandardWebhooks_package_does_for_a_non_ascii_body()
    {
        const string secret = "whsec_Zmx1eGFzcGlyZS10ZXN0LWtleQ==";
        const string body = """{"prompt": "caf\u00e9", "text": "café ☕ 画像"}""";
        var ours = WebhookSignature.Sign("msg_2K1x", 1767225600, body, WebhookSecret.Parse(secret).Key!);
        var package = new StandardWebhook(secret).Sign("msg_2K1x", DateTimeOffset.FromUnixTimeSeconds(1767225600), body);
        Assert.Equal(package, ours);
    }

    [Fact]
    public void A_secret_is_accepted_as_plain_base64_and_with_the_whsec_prefix()
    {
        Assert.Equal("testsecret"u8.ToArray(), WebhookSecret.Parse("dGVzdHNlY3JldA==").Key);
        Assert.Equal("testsecret"u8.ToArray(), WebhookSecret.Parse("whsec_dGVzdHNlY3JldA==").Key);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void No_secret_means_no_key(string? secret)
    {
        Assert.Null(WebhookSecret.Parse(secret).Key);
    }

    [Fact]
    public void A_secret_that_is_not_base64_is_refused_without_quoting_it()
    {
        var error = Assert.Throws<FormatException>(() => WebhookSecret.Parse("not base64 at all!"));
        Assert.Equal("WEBHOOK_SECRET must be base64, optionally prefixed with 'whsec_'.", error.Message);
    }
}
