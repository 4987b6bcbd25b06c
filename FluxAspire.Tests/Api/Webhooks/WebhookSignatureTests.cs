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

    [Theory]
    [InlineData("testsecret", "b5eb2db1e72b7a")] // the recipe's own example of a secret that is not base64
    [InlineData("not base64 at all!", "9e8b5b6ac7bae1ab5a96")]
    [InlineData("dGVz dHNl\nY3JldA", "74657374736563726574")] // whitespace skipped
    [InlineData("YWJj=ZGVm", "616263")] // decoding stops at the first '='
    [InlineData("-_-_", "fbffbf")] // the URL-safe alphabet
    [InlineData("$$$", "")]
    public void A_secret_that_is_not_canonical_base64_gives_the_key_bytes_the_recipes_server_derives(string secret, string hex)
    {
        var parsed = WebhookSecret.Parse(secret);
        Assert.Equal(hex, Convert.ToHexStringLower(parsed.Key!));
        Assert.False(parsed.IsStrictBase64);
    }

    [Fact]
    public void A_lenient_secret_signs_as_an_independent_Standard_Webhooks_implementation_with_the_same_key()
    {
        // The StandardWebhooks package takes the key as base64; give it the bytes the recipe derives from "testsecret".
        var key = WebhookSecret.Parse("testsecret").Key!;
        const string body = """{"type":"prompt.complete","id":"a"}""";
        var ours = WebhookSignature.Sign("msg_1", 1767225600, body, key);
        var package = new StandardWebhook(Convert.ToBase64String(key)).Sign("msg_1", DateTimeOffset.FromUnixTimeSeconds(1767225600), body);
        Assert.Equal(package, ours);
    }
}
