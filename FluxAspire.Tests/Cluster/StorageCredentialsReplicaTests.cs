using System.Text;
using System.Text.Json.Nodes;
using Amazon.S3.Model;
using FluxAspire.Tests.Api.Integration;
using FluxAspire.Tests.Api.Outbound;
using FluxAspire.Tests.Api.Webhooks;
using FluxAspire.Tests.Infrastructure;
using FluxAspire.Tests.JobsApi;
using StackExchange.Redis;
using static FluxAspire.Tests.Cluster.ClusterProcesses;

namespace FluxAspire.Tests.Cluster;

/// <summary>
/// A request's own upload credentials with two replicas sharing Redis (s3rver as the store): they never reach Redis, the
/// job runs on the replica that holds them, and a replica that takes it over fails it instead of uploading with the
/// server's credentials. The replicas' own AWS key id is one s3rver does not know, so an upload signed with it would
/// fail loudly (InvalidAccessKeyId) instead of landing in the wrong account unseen.
/// </summary>
public sealed class StorageCredentialsReplicaTests
{
    private const string Bucket = "replica-outputs";
    private const string RequestSecret = "request-secret-4711-never-in-redis";
    private const string ServerKeyId = "SERVERKEYUNKNOWNTOS3RVER";

    private static Dictionary<string, string> Settings(EmulatorProcess s3, LocalReceiver? receiver = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["AWS_REGION"] = "us-east-1",
            ["AWS_ENDPOINT_URL"] = s3.BaseAddress.ToString(),
            ["AWS_ACCESS_KEY_ID"] = ServerKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = "server-secret",
            ["Storage__RetryDelay"] = "00:00:00.050",
            ["WEBHOOK_SECRET"] = WebhookEnvironment.Secret,
            ["Webhooks__RetryDelay"] = "00:00:00.100",
        };
        if (receiver is not null) settings["OutboundUrls__Allow__0"] = receiver.HostPort;
        return settings;
    }

    private static JsonObject Upload(string prefix, int steps) => new()
    {
        ["prompt"] = TestGraphs.Flux(256, 256, steps),
        ["s3"] = new JsonObject { ["bucket"] = Bucket, ["prefix"] = prefix, ["async"] = true },
        ["credentials"] = new JsonArray(new JsonObject
        {
            ["url_pattern"] = $"s3://{Bucket}/**",
            ["auth"] = new JsonObject { ["type"] = "s3", ["access_key_id"] = EmulatorProcess.S3AccessKey, ["secret_access_key"] = RequestSecret },
        }),
    };

    private static async Task<string> SubmitAsync(ApiProcess api, JsonObject body)
    {
        using var http = api.CreateClient();
        using var response = await http.PostAsync("/prompt", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, text);
        Assert.DoesNotContain(RequestSecret, text);
        return (string)JsonNode.Parse(text)!["id"]!;
    }

    private static async Task<IReadOnlyList<string>> KeysAsync(EmulatorProcess s3, string prefix)
    {
        using var client = s3.CreateS3Client();
        var listed = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, Prefix = prefix });
        return (listed.S3Objects ?? []).Select(o => o.Key).Order().ToList();
    }

    /// <summary>Every value under every key in Redis, as text: hashes, strings, streams and sorted sets.</summary>
    private static async Task<string> DumpAsync(RedisServerProcess redis)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString + ",allowAdmin=true");
        var db = connection.GetDatabase();
        var all = new StringBuilder();
        foreach (var key in connection.GetServer(connection.GetEndPoints()[0]).Keys(pattern: "*"))
        {
            all.AppendLine(key.ToString());
            switch (await db.KeyTypeAsync(key))
            {
                case RedisType.Hash:
                    foreach (var entry in await db.HashGetAllAsync(key)) all.Append(entry.Name).Append('=').AppendLine(entry.Value.ToString());
                    break;
                case RedisType.String:
                    all.AppendLine(Encoding.UTF8.GetString((byte[])(await db.StringGetAsync(key))! ?? []));
                    break;
                case RedisType.Stream:
                    foreach (var entry in await db.StreamRangeAsync(key))
                        foreach (var value in entry.Values) all.Append(value.Name).Append('=').AppendLine(value.Value.ToString());
                    break;
                case RedisType.SortedSet:
                    foreach (var member in await db.SortedSetRangeByRankAsync(key)) all.AppendLine(member.ToString());
                    break;
            }
        }

        return all.ToString();
    }

    [Fact]
    public async Task Async_uploads_with_request_keys_run_on_the_accepting_replica_and_land_with_those_keys_never_stored_in_Redis()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var s3 = await EmulatorProcess.StartS3Async(Bucket);
        await using var simA = await SimulatorProcess.StartAsync("--step-ms", "30");
        await using var simB = await SimulatorProcess.StartAsync("--step-ms", "5");
        await using var apiA = await StartReplicaAsync(simA, redis, Settings(s3));
        await using var apiB = await StartReplicaAsync(simB, redis, Settings(s3)); // idle and faster: it would take work if it could

        var prefix = $"pinned-{Guid.NewGuid():N}/";
        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add(await SubmitAsync(apiA, Upload(prefix, steps: 3)));
        }

        IReadOnlyList<string> keys = [];
        await Eventually.UntilAsync(async () => (keys = await KeysAsync(s3, prefix)).Count >= ids.Count, TimeSpan.FromSeconds(60),
            () => $"{ids.Count} objects under {prefix} (have {keys.Count}); A:\n{apiA.Log}\nB:\n{apiB.Log}");

        Assert.Equal(ids.Select(id => $"{prefix}{id}_ComfyUI_00001_.png").Order(), keys);
        var ranOnA = await RanOnAsync(simA);
        Assert.All(ids, id => Assert.Contains(id, ranOnA));
        Assert.Empty((await RanOnAsync(simB)).Intersect(ids));
        Assert.DoesNotContain("InvalidAccessKeyId", apiA.Log + apiB.Log);
        Assert.DoesNotContain(RequestSecret, apiA.Log + apiB.Log);
        var stored = await DumpAsync(redis);
        Assert.Contains(ids[0], stored); // the jobs are in Redis …
        Assert.DoesNotContain(RequestSecret, stored); // … their credentials are not
    }

    [Fact]
    public async Task A_job_taken_over_from_the_replica_holding_its_credentials_fails_naming_the_cause_and_never_uploads_with_the_servers_keys()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var s3 = await EmulatorProcess.StartS3Async(Bucket);
        await using var receiver = await LocalReceiver.StartAsync();
        await using var simA = await SimulatorProcess.StartAsync("--step-ms", "1000");
        await using var simB = await SimulatorProcess.StartAsync("--step-ms", "5");
        await using var apiA = await StartReplicaAsync(simA, redis, Settings(s3, receiver));
        var onA = new JobsClient(apiA.CreateClient());

        var prefix = $"takeover-{Guid.NewGuid():N}/";
        var body = Upload(prefix, steps: 20);
        body["webhook_v2"] = new Uri(receiver.BaseAddress, "/hook").ToString();
        var id = await SubmitAsync(apiA, body);
        await onA.WaitForStatusAsync(id, "running", TimeSpan.FromSeconds(30));

        await using var apiB = await StartReplicaAsync(simB, redis, Settings(s3, receiver));
        var onB = new JobsClient(apiB.CreateClient());
        apiA.KillNow();

        var failed = await onB.WaitForStatusAsync(id, "failed", TimeSpan.FromSeconds(60));
        var message = (string?)failed["error"]!["message"];
        Assert.Contains("the request's storage credentials stayed on replica", message);
        Assert.Contains("submit the job again", message);

        var hook = Assert.Single(await receiver.WaitForAsync("/hook", 1, TimeSpan.FromSeconds(30)));
        var delivered = JsonNode.Parse(hook.BodyText)!;
        Assert.Equal("prompt.failed", (string?)delivered["type"]);
        Assert.Contains("the request's storage credentials stayed on replica", hook.BodyText);

        Assert.DoesNotContain(id, await RanOnAsync(simB));
        Assert.Empty(await KeysAsync(s3, prefix));
        Assert.DoesNotContain("InvalidAccessKeyId", apiB.Log); // the server's keys were never tried
        Assert.DoesNotContain(RequestSecret, apiB.Log + hook.BodyText + await DumpAsync(redis));
    }

    [Fact]
    public async Task A_POST_jobs_upload_keeps_no_output_bytes_in_Redis_and_its_outputs_answer_410_naming_the_upload()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var s3 = await EmulatorProcess.StartS3Async(Bucket);
        await using var sim = await SimulatorProcess.StartAsync("--step-ms", "5");
        var settings = Settings(s3);
        settings["AWS_ACCESS_KEY_ID"] = EmulatorProcess.S3AccessKey; // the server's own keys this time
        await using var api = await StartReplicaAsync(sim, redis, settings);
        var jobs = new JobsClient(api.CreateClient());
        var prefix = $"small-{Guid.NewGuid():N}/";

        var submitted = await jobs.SubmitAsync(new JsonObject
        {
            ["prompt"] = TestGraphs.Flux(256, 256, 1),
            ["s3"] = new JsonObject { ["bucket"] = Bucket, ["prefix"] = prefix },
        });
        Assert.True(submitted.Status == HttpStatusCode.Accepted, submitted.Body.ToJsonString());
        var id = (string)submitted.Body["id"]!;
        var succeeded = await jobs.WaitForStatusAsync(id, "succeeded", TimeSpan.FromSeconds(30));
        IReadOnlyList<string> keys = [];
        await Eventually.UntilAsync(async () => (keys = await KeysAsync(s3, prefix)).Count == 1, TimeSpan.FromSeconds(30),
            () => $"the upload under {prefix}; API log:\n{api.Log}");

        Assert.True((long)succeeded["result"]!["outputs"]![0]!["size"]! > 0); // described, with its size …
        Assert.Equal(":0", await redis.CommandAsync("EXISTS", $"fluxaspire:job:{id}:out:0")); // … but its bytes were never stored
        using var output = await jobs.Http.GetAsync($"/jobs/{id}/outputs/0");
        var problem = JsonNode.Parse(await output.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.Gone, output.StatusCode);
        Assert.Equal("The outputs went to storage", (string?)problem["title"]);
        Assert.Equal("s3", (string?)problem["upload"]);
    }
}
