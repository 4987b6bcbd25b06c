using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using FluxAspire.AppHost.Redis;
using Microsoft.Extensions.DependencyInjection;

namespace FluxAspire.Tests.AppHost;

/// <summary>The AppHost's Redis (Debian's redis-server as an executable resource) as the API sees it.</summary>
[Collection(AppHostCollection.Name)]
public sealed class AppHostRedisTests(AppHostFixture fixture)
{
    [Fact]
    public async Task Api_gets_the_cache_connection_string_and_is_connected_to_that_Redis()
    {
        var expected = await fixture.App.GetConnectionStringAsync("cache");
        Assert.NotNull(expected);
        Assert.Matches(@"^(localhost|127\.0\.0\.1):\d+$", expected);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var api = await fixture.App.ResourceNotifications.WaitForResourceAsync(
            "api", e => e.Snapshot.EnvironmentVariables.Any(v => v.Name == "ConnectionStrings__cache"), cts.Token);
        Assert.Equal(expected, api.Snapshot.EnvironmentVariables.Single(v => v.Name == "ConnectionStrings__cache").Value);

        // Connected: /ready (once warm) lists no degradation.
        using var http = fixture.CreateApiClient();
        var body = "";
        var ready = await Eventually.TryUntilAsync(async () =>
        {
            using var response = await http.GetAsync("/ready");
            body = await response.Content.ReadAsStringAsync();
            return response.StatusCode == HttpStatusCode.OK && JsonNode.Parse(body)!["degraded"]!.AsArray().Count == 0;
        }, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(250));
        Assert.True(ready, $"/ready: {body}\n{fixture.Logs}");
    }

    [Fact]
    public async Task Redis_keeps_an_append_only_file_in_its_own_folder()
    {
        var redis = Assert.IsType<RedisServerResource>(
            Assert.Single(fixture.App.Services.GetRequiredService<DistributedApplicationModel>().Resources, r => r.Name == "cache"));

        await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync("cache").WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(Directory.Exists(Path.Combine(redis.DataDirectory, "appendonlydir")), $"no AOF under {redis.DataDirectory}\n{fixture.Logs}");
    }
}
