using FluxAspire.Api.Pipeline.Comfy;

namespace FluxAspire.Tests.Api;

public class ComfyEndpointTests
{
    [Theory]
    [InlineData("http://127.0.0.1:8188", null, "http://127.0.0.1:8188/")]
    [InlineData("Endpoint=http://comfy:8188", null, "http://comfy:8188/")]
    [InlineData("Endpoint=https://gpu.example/comfy", null, "https://gpu.example/comfy/")]
    [InlineData(null, "http://fallback:8188", "http://fallback:8188/")]
    [InlineData("", "http://fallback:8188/", "http://fallback:8188/")]
    public void Finds_the_address(string? connectionString, string? baseUrl, string expected) =>
        Assert.Equal(new Uri(expected), ComfyEndpoint.Resolve(connectionString, baseUrl));

    [Fact]
    public void No_address_is_null() => Assert.Null(ComfyEndpoint.Resolve(null, null));

    [Theory]
    [InlineData("Endpoint=ftp://x")]
    [InlineData("not a url")]
    public void A_bad_address_fails_clearly(string connectionString)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ComfyEndpoint.Resolve(connectionString, null));
        Assert.Contains("absolute http(s) URL", error.Message);
    }

    [Fact]
    public void WebSocket_address_follows_the_scheme_and_path()
    {
        Assert.Equal("ws://127.0.0.1:8188/ws?clientId=abc", ComfyWebSocket.WebSocketUri(new Uri("http://127.0.0.1:8188/"), "abc").ToString());
        Assert.Equal("wss://gpu.example/comfy/ws?clientId=abc", ComfyWebSocket.WebSocketUri(new Uri("https://gpu.example/comfy/"), "abc").ToString());
    }
}
