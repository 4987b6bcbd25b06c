using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using FluxAspire.Tests.Api.Integration;

namespace FluxAspire.Tests.Api.Storage;

/// <summary>hf_upload against a loopback stand-in for the Hugging Face Hub's commit endpoints (<see cref="HubStandIn"/>).</summary>
[Collection(StorageCollection.Name)]
public sealed class HuggingFaceUploadTests(StorageEnvironment env)
{
    private string Hub => env.Receiver.BaseAddress.ToString().TrimEnd('/');

    [Fact]
    public async Task Sync_upload_commits_lfs_files_and_answers_with_resolve_urls()
    {
        var repo = $"me/run-{Guid.NewGuid():N}";
        var id = StorageEnvironment.NewId("hf-sync");
        var (status, body, text) = await env.PostAsync("/prompt", new JsonObject
        {
            ["prompt"] = TestGraphs.Flux(256, 256, 1),
            ["id"] = id,
            ["hf_upload"] = new JsonObject { ["repo"] = repo, ["directory"] = "/renders/" },
        });

        Assert.True(status == HttpStatusCode.OK, text);
        var filename = $"{id}_ComfyUI_00001_.png";
        Assert.Equal([$"{Hub}/{repo}/resolve/main/renders/{filename}"], body["images"]!.AsArray().Select(i => (string?)i));

        var preupload = Assert.Single(env.Receiver.ReceivedAt($"/api/models/{repo}/preupload/main"));
        Assert.Equal($"Bearer {StorageEnvironment.HubToken}", preupload.Header("authorization"));
        var planned = JsonNode.Parse(preupload.BodyText)!["files"]![0]!;
        Assert.Equal($"renders/{filename}", (string?)planned["path"]);

        // The .png went through Git LFS: batch, the PUT of its bytes (no Hub token on the object store), the commit line.
        var batch = Assert.Single(env.Receiver.ReceivedAt($"/{repo}.git/info/lfs/objects/batch"));
        Assert.Equal("application/vnd.git-lfs+json", batch.Header("content-type"));
        var oid = (string)JsonNode.Parse(batch.BodyText)!["objects"]![0]!["oid"]!;
        var put = Assert.Single(env.Receiver.ReceivedAt($"/lfs-store/{oid}"));
        Assert.Equal("PUT", put.Method);
        Assert.Null(put.Header("authorization"));
        Assert.Equal(oid, Convert.ToHexStringLower(SHA256.HashData(put.Body)));
        Assert.Equal((long)planned["size"]!, put.Body.Length);

        var commit = Assert.Single(env.Receiver.ReceivedAt($"/api/models/{repo}/commit/main"));
        Assert.Equal("application/x-ndjson", commit.Header("content-type")?.Split(';')[0]);
        var lines = commit.BodyText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(["header", "lfsFile"], lines.Select(l => (string?)l["key"]));
        Assert.Equal(new JsonObject { ["path"] = $"renders/{filename}", ["algo"] = "sha256", ["oid"] = oid, ["size"] = put.Body.Length }.ToJsonString(),
            lines[1]["value"]!.ToJsonString());
    }

    [Fact]
    public async Task Async_dataset_upload_of_webp_commits_regular_files_inline()
    {
        var repo = $"me/set-{Guid.NewGuid():N}";
        var id = StorageEnvironment.NewId("hf-async");
        var (status, _, text) = await env.PostAsync("/prompt", new JsonObject
        {
            ["prompt"] = TestGraphs.Flux(256, 256, 1),
            ["id"] = id,
            ["convert_output"] = new JsonObject { ["format"] = "webp" },
            ["hf_upload"] = new JsonObject { ["repo"] = repo, ["repo_type"] = "dataset", ["revision"] = "v1", ["async"] = true },
        });

        Assert.True(status == HttpStatusCode.Accepted, text);
        var commit = (await env.Receiver.WaitForAsync($"/api/datasets/{repo}/commit/v1")).Single();
        var file = commit.BodyText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).Single(l => (string?)l["key"] == "file");
        Assert.Equal($"{id}_ComfyUI_00001_.webp", (string?)file["value"]!["path"]);
        Assert.Equal("base64", (string?)file["value"]!["encoding"]);
        Assert.Equal("RIFF", System.Text.Encoding.ASCII.GetString(Convert.FromBase64String((string)file["value"]!["content"]!), 0, 4));
    }

    [Fact]
    public async Task A_503_from_the_hub_is_retried_with_backoff()
    {
        var repo = $"me/flaky-{Guid.NewGuid():N}";
        var (status, body, text) = await env.PostAsync("/prompt", new JsonObject
        {
            ["prompt"] = TestGraphs.Flux(256, 256, 1),
            ["hf_upload"] = new JsonObject { ["repo"] = repo },
        });

        Assert.True(status == HttpStatusCode.OK, text);
        Assert.StartsWith($"{Hub}/{repo}/resolve/main/", (string?)body["images"]![0]);
        Assert.Equal(2, env.Receiver.ReceivedAt($"/api/models/{repo}/preupload/main").Count);
        Assert.Single(env.Receiver.ReceivedAt($"/api/models/{repo}/commit/main"));
        Assert.Contains("hf_upload call to the Hub failed (attempt 1: HTTP 503)", env.Api.Log);
    }

    [Fact]
    public async Task A_missing_repo_is_a_502_with_the_hubs_error_code_and_no_token()
    {
        var (status, problem, text) = await env.PostAsync("/prompt", new JsonObject
        {
            ["prompt"] = TestGraphs.Flux(256, 256, 1),
            ["hf_upload"] = new JsonObject { ["repo"] = "me/missing" },
        });

        Assert.True(status == HttpStatusCode.BadGateway, text);
        Assert.Equal("hf_upload upload to repo 'me/missing' failed: RepoNotFound, HTTP 404", (string?)problem["detail"]);
        Assert.DoesNotContain(StorageEnvironment.HubToken, text);
        Assert.DoesNotContain(StorageEnvironment.HubToken, env.Api.Log);
    }

    [Fact]
    public async Task A_request_bearer_credential_for_the_repo_replaces_HF_TOKEN()
    {
        const string token = "hf_request_token_for_this_repo";
        var repo = $"me/other-{Guid.NewGuid():N}";
        var (status, _, text) = await env.PostAsync("/prompt", new JsonObject
        {
            ["prompt"] = TestGraphs.Flux(256, 256, 1),
            ["hf_upload"] = new JsonObject { ["repo"] = repo },
            ["credentials"] = new JsonArray(new JsonObject
            {
                ["url_pattern"] = $"{Hub}/{repo}",
                ["auth"] = new JsonObject { ["type"] = "bearer", ["token"] = token },
            }),
        });

        Assert.True(status == HttpStatusCode.OK, text);
        Assert.Equal($"Bearer {token}", Assert.Single(env.Receiver.ReceivedAt($"/api/models/{repo}/commit/main")).Header("authorization"));
        Assert.DoesNotContain(token, text);
    }
}
