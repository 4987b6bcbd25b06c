using System.Text.Json.Nodes;
using FluxAspire.Api.Delivery.Credentials;
using FluxAspire.Api.Pipeline.Downloads;

namespace FluxAspire.Tests.Api.Credentials;

public sealed class CredentialsParsingTests
{
    [Theory]
    [InlineData("https://host.example/*", "https://host.example/a.png", true)]
    [InlineData("https://host.example/*", "https://host.example/dir/a.png", false)]
    [InlineData("https://host.example/**", "https://host.example/dir/a.png", true)]
    [InlineData("https://host.example/a?.png", "https://host.example/a1.png", true)]
    [InlineData("https://host.example/a?.png", "https://host.example/a12.png", false)]
    [InlineData("https://*.example/**", "https://evil.com/x.example/a", false)]
    [InlineData("https://*.example/**", "https://cdn.example/a", true)]
    [InlineData("https://host.example/a.png", "https://host.example/aXpng", false)]
    public void Url_patterns_are_globs_over_the_whole_url(string pattern, string url, bool matches) =>
        Assert.Equal(matches, new UrlPattern(pattern).Matches(new Uri(url)));

    [Fact]
    public void The_first_matching_entry_wins()
    {
        var credentials = RequestCredentials.Parse(JsonNode.Parse("""
            [{"url_pattern":"https://a.example/**","auth":{"type":"bearer","token":"one"}},
             {"url_pattern":"https://**","auth":{"type":"bearer","token":"two"}}]
            """), new Dictionary<string, string[]>());

        Assert.Equal(new UrlAuth.Bearer("one"), credentials.For(new Uri("https://a.example/x")));
        Assert.Equal(new UrlAuth.Bearer("two"), credentials.For(new Uri("https://b.example/x")));
        Assert.Null(credentials.For(new Uri("http://b.example/x")));
    }

    [Fact]
    public void Auth_never_shows_its_secret_when_printed()
    {
        var credentials = RequestCredentials.Parse(JsonNode.Parse("""[{"url_pattern":"**","auth":{"type":"basic","username":"u","password":"hunter2"}}]"""),
            new Dictionary<string, string[]>());

        Assert.Equal("1 credential(s) (hidden)", credentials.ToString());
        Assert.Equal("Basic (secret hidden)", credentials.For(new Uri("https://x.example/"))!.ToString());
    }

    [Fact]
    public void Query_auth_adds_its_parameter_to_the_url()
    {
        var auth = new UrlAuth.Query("sig", "a b&c");
        Assert.Equal("https://x.example/m.bin?v=1&sig=a%20b%26c", auth.Address(new Uri("https://x.example/m.bin?v=1")).AbsoluteUri);
        Assert.Equal("https://x.example/m.bin?sig=a%20b%26c", auth.Address(new Uri("https://x.example/m.bin")).AbsoluteUri);
    }

    [Theory]
    [InlineData("model.safetensors", "model.safetensors")]
    [InlineData("../model.safetensors", null)]
    [InlineData("a/b.safetensors", null)]
    [InlineData("a\\b.safetensors", null)]
    [InlineData(".hidden", null)]
    [InlineData("..", null)]
    [InlineData("", null)]
    [InlineData("bad:name", null)]
    public void File_names_cannot_leave_their_folder(string name, string? expected) =>
        Assert.Equal(expected, ModelFileNames.Sanitise(name));

    [Fact]
    public void Cache_names_are_32_base64url_characters_of_the_url_hash_plus_its_extension()
    {
        var name = ModelFileNames.CacheName(new Uri("https://host.example/path/Model.SafeTensors?download=true"));

        Assert.Matches("^[A-Za-z0-9_-]{32}\\.safetensors$", name);
        Assert.Equal(name, ModelFileNames.CacheName(new Uri("https://host.example/path/Model.SafeTensors?download=true")));
        Assert.NotEqual(name, ModelFileNames.CacheName(new Uri("https://host.example/path/Model.SafeTensors?download=false")));
        Assert.Matches("^[A-Za-z0-9_-]{32}\\.safetensors$", ModelFileNames.CacheName(new Uri("https://host.example/download/12345")));
    }

    [Fact]
    public void Echoed_urls_keep_their_query_but_lose_user_info()
    {
        Assert.Equal("https://host.example/m.bin?download=true", ModelFileNames.WithoutUserInfo(new Uri("https://host.example/m.bin?download=true")));
        Assert.Equal("https://host.example/m.bin?download=true", ModelFileNames.WithoutUserInfo(new Uri("https://u:pw@host.example/m.bin?download=true")));
    }

    [Fact]
    public void Redacted_urls_lose_user_info_and_query() =>
        Assert.Equal("https://host.example/m.bin", ModelFileNames.Redacted(new Uri("https://user:pw@host.example/m.bin?token=x")));
}
