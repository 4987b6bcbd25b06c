using FluxAspire.Api.Delivery.Outbound;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FluxAspire.Tests.Api.Outbound;

/// <summary>The guard and the "outbound" client against a real receiver on 127.0.0.1 (allow-listed by exact host:port).</summary>
public sealed class OutboundHttpTests : IAsyncLifetime
{
    private LocalReceiver _receiver = null!;
    private IHost _host = null!;

    public async Task InitializeAsync()
    {
        _receiver = await LocalReceiver.StartAsync();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["OutboundUrls:Allow:0"] = _receiver.HostPort });
        builder.AddOutbound();
        _host = builder.Build();
    }

    public async Task DisposeAsync()
    {
        _host.Dispose();
        await _receiver.DisposeAsync();
    }

    private IOutboundUrlGuard Guard => _host.Services.GetRequiredService<IOutboundUrlGuard>();

    private HttpClient Client => _host.Services.GetRequiredService<IHttpClientFactory>().CreateClient(OutboundHttp.ClientName);

    [Theory]
    [InlineData("ftp://example.com/x", "scheme 'ftp' is not allowed (only http and https)")]
    [InlineData("file:///etc/passwd", "scheme 'file' is not allowed (only http and https)")]
    [InlineData("http://127.0.0.1:1/hook", "host '127.0.0.1' resolves to 127.0.0.1 is a loopback address")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "host '169.254.169.254' resolves to 169.254.169.254 is a cloud metadata address")]
    [InlineData("http://[::1]:8080/", "host '::1' resolves to ::1 is a loopback address")]
    [InlineData("http://[fd00:ec2::254]/", "host 'fd00:ec2::254' resolves to fd00:ec2::254 is a cloud metadata address")]
    [InlineData("http://metadata.google.internal/computeMetadata/v1/", "'metadata.google.internal' is a cloud metadata host")]
    [InlineData("http://localhost:5000/", "'localhost' is a loopback host")]
    [InlineData("http://10.0.0.5/", "host '10.0.0.5' resolves to 10.0.0.5 is a private (RFC 1918) address")]
    [InlineData("http://user:pw@example.com/", "credentials in the URL are not allowed")]
    public async Task Refuses_with_a_reason(string url, string reason)
    {
        var check = await Guard.ValidateAsync(new Uri(url));
        Assert.False(check.Allowed);
        Assert.Equal(reason, check.Reason);
    }

    [Fact]
    public async Task The_allow_list_is_exact_host_and_port()
    {
        Assert.True((await Guard.ValidateAsync(new Uri(_receiver.BaseAddress, "/hook"))).Allowed);
        var otherPort = new UriBuilder(_receiver.BaseAddress) { Port = _receiver.BaseAddress.Port == 1 ? 2 : 1 }.Uri;
        Assert.False((await Guard.ValidateAsync(otherPort)).Allowed);
    }

    [Fact]
    public async Task An_allow_listed_receiver_is_called()
    {
        using var response = await Client.PostAsync(new Uri(_receiver.BaseAddress, "/hook"), new StringContent("hi"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = await _receiver.NextAsync();
        Assert.Equal("POST", received.Method);
        Assert.Equal("hi", received.BodyText);
    }

    [Fact]
    public async Task A_URL_outside_the_allow_list_is_refused_before_connecting()
    {
        var refused = await Assert.ThrowsAsync<OutboundUrlRefusedException>(() => Client.GetAsync("http://127.0.0.1:1/"));
        Assert.Equal("host '127.0.0.1' resolves to 127.0.0.1 is a loopback address", refused.Reason);
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/iam/", "host '169.254.169.254' resolves to 169.254.169.254 is a cloud metadata address")]
    [InlineData("http://127.0.0.1:1/admin", "host '127.0.0.1' resolves to 127.0.0.1 is a loopback address")]
    [InlineData("http://localhost:1/admin", "'localhost' is a loopback host")]
    public async Task A_redirect_to_a_forbidden_address_is_refused(string target, string reason)
    {
        _receiver.Respond = (_, _, context) =>
        {
            context.Response.StatusCode = 302;
            context.Response.Headers.Location = target;
            return Task.CompletedTask;
        };

        var refused = await Assert.ThrowsAsync<OutboundUrlRefusedException>(() => Client.GetAsync(new Uri(_receiver.BaseAddress, "/start")));

        Assert.Equal(reason, refused.Reason);
        Assert.Equal(new Uri(target), refused.Url);
        Assert.Equal("/start", (await _receiver.NextAsync()).Path);
    }

    [Fact]
    public async Task Redirects_within_the_allowed_host_are_followed_and_307_keeps_method_and_body()
    {
        _receiver.Respond = (n, _, context) =>
        {
            context.Response.StatusCode = n == 1 ? 307 : 200;
            if (n == 1) context.Response.Headers.Location = "/second";
            return Task.CompletedTask;
        };

        using var response = await Client.PutAsync(new Uri(_receiver.BaseAddress, "/first"), new ByteArrayContent([1, 2, 3]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/first", (await _receiver.NextAsync()).Path);
        var second = await _receiver.NextAsync();
        Assert.Equal(("PUT", "/second"), (second.Method, second.Path));
        Assert.Equal(new byte[] { 1, 2, 3 }, second.Body);
    }

    [Fact]
    public async Task Endless_redirects_stop_after_the_limit()
    {
        _receiver.Respond = (n, _, context) =>
        {
            context.Response.StatusCode = 302;
            context.Response.Headers.Location = $"/hop{n}";
            return Task.CompletedTask;
        };

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => Client.GetAsync(new Uri(_receiver.BaseAddress, "/hop0")));
        Assert.Contains("more than 5 redirects", error.Message);
    }
}
