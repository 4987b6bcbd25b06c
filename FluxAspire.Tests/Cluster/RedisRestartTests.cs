using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FluxAspire.Tests.Api.Integration;
using FluxAspire.Tests.Infrastructure;
using FluxAspire.Tests.JobsApi;
using static FluxAspire.Tests.Cluster.ClusterProcesses;

namespace FluxAspire.Tests.Cluster;

/// <summary>Redis stopped and started again under traffic: every request and every accepted job still gets its image.</summary>
public sealed class RedisRestartTests
{
    [Fact]
    public async Task No_request_is_lost_while_Redis_restarts()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var sim = await SimulatorProcess.StartAsync("--step-ms", "10");
        await using var api = await StartReplicaAsync(sim, redis);
        using var http = api.CreateClient(TimeSpan.FromSeconds(90));

        using var stop = new CancellationTokenSource();
        var answered = 0;
        var clients = Enumerable.Range(0, 3).Select(async client =>
        {
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                using var response = await http.PostAsJsonAsync("/prompt", new JsonObject { ["prompt"] = TestGraphs.Flux(256, 256, steps: 3, seed: (ulong)(client * 1000 + i)) });
                statuses.Add(response.StatusCode);
                Interlocked.Increment(ref answered);
            }

            return statuses;
        }).ToList();

        var jobs = new JobsClient(api.CreateClient());
        var accepted = new List<string>();
        async Task SubmitJobsAsync(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var answer = await jobs.SubmitAsync(new JsonObject { ["prompt"] = TestGraphs.Flux(256, 256, steps: 3, seed: (ulong)(90000 + accepted.Count)) });
                Assert.True(answer.Status == HttpStatusCode.Accepted, $"POST /jobs answered {answer.Status}: {answer.Body}; the API's log:\n{api.Log}");
                accepted.Add((string)answer.Body["id"]!);
            }
        }

        // Until 3 requests were both sent and answered (after the up to 3 that were in flight), rather than a fixed time;
        // a client that threw ends the wait, so awaiting the clients says why.
        async Task AnsweredAsync(string phase)
        {
            var target = Volatile.Read(ref answered) + clients.Count + 3;
            await Eventually.UntilAsync(() => Volatile.Read(ref answered) >= target || clients.Any(c => c.IsCompleted), TimeSpan.FromSeconds(60),
                () => $"3 requests sent and answered {phase} ({Volatile.Read(ref answered)} answered so far); the API's log:\n{api.Log}");
        }

        await AnsweredAsync("before Redis stops");
        await SubmitJobsAsync(3);   // in Redis when it stops
        await redis.StopAsync();
        await SubmitJobsAsync(3);   // accepted while Redis is down
        // Down until the API noticed, with the clients' requests in flight meanwhile.
        await Eventually.UntilAsync(() => api.Log.Contains("; the API goes on without it (", StringComparison.Ordinal), TimeSpan.FromSeconds(30),
            () => $"the API to log that Redis is unreachable:\n{api.Log}");
        await redis.StartAgainAsync();
        await SubmitJobsAsync(3);   // after it is back
        await AnsweredAsync("after Redis is back");
        await stop.CancelAsync();
        var all = (await Task.WhenAll(clients)).SelectMany(s => s).ToList();

        Assert.True(all.Count >= 10, $"only {all.Count} requests ran");
        Assert.True(all.All(status => status == HttpStatusCode.OK), $"statuses: {string.Join(", ", all)}; the API's log:\n{api.Log}");
        foreach (var id in accepted)
        {
            Assert.Equal("succeeded", (string?)(await jobs.WaitAsync(id, job => (string?)job["status"] is "succeeded" or "failed" or "canceled",
                TimeSpan.FromSeconds(60)))["status"]);
        }

        Assert.False(api.HasExited);
    }
}
