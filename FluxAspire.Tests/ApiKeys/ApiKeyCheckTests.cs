using FluxAspire.Api.Operations.ApiKeys;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace FluxAspire.Tests.ApiKeys;

public sealed class ApiKeyCheckTests
{
    [Theory]
    [InlineData("s3cret-ключ", true)] // compared as UTF-8 bytes
    [InlineData("s3cret-ключ ", false)]
    [InlineData("s3cret-Ключ", false)]
    [InlineData("s3cret", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Accepts_exactly_the_configured_key(string? presented, bool accepted) =>
        Assert.Equal(accepted, new ApiKeyCheck("s3cret-ключ").Accepts(presented));

    [Theory]
    [InlineData("/health", true)]
    [InlineData("/alive", true)]
    [InlineData("/READY", true)]
    [InlineData("/docs/scalar.js", true)]
    [InlineData("/openapi/v1.json", true)]
    [InlineData("/healthz", false)]
    [InlineData("/ready-or-not", false)]
    [InlineData("/prompt", false)]
    [InlineData("/workflow/text2img", false)]
    [InlineData("/jobs", false)]
    [InlineData("/jobs/abc/events", false)]
    // The playground's files and the root's redirect to them: the page asks for the key and sends it itself.
    [InlineData("/", true)]
    [InlineData("/playground", true)]
    [InlineData("/playground/playground.js", true)]
    [InlineData("/playgrounds", false)]
    [InlineData("//jobs", false)]
    public void Only_probes_docs_and_the_playground_are_open(string path, bool open) => Assert.Equal(open, ApiKeyCheck.IsOpen(new PathString(path)));

    [Fact]
    public void Api_Key_wins_over_API_KEY_and_either_alone_is_enough()
    {
        static string? Read(params (string Key, string Value)[] values) =>
            ApiKeyOptions.Read(new ConfigurationBuilder()
                .AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build());

        Assert.Equal("a", Read(("Api:Key", "a"), ("API_KEY", "b")));
        Assert.Equal("b", Read(("API_KEY", "b")));
        Assert.Equal("b", Read(("Api:Key", ""), ("API_KEY", "b")));
        Assert.Null(Read());
    }
}
