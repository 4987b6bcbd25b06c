using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using FluxAspire.Tests.Api.Integration;
using SkiaSharp;

namespace FluxAspire.Tests.Api.Storage;

/// <summary>azure_blob_upload and blob inputs against Azurite, Microsoft's Azure Storage emulator, on loopback.</summary>
[Collection(StorageCollection.Name)]
public sealed class AzureBlobStorageTests(StorageEnvironment env)
{
    private async Task<BlobContainerClient> ContainerAsync()
    {
        var container = env.BlobClient().GetBlobContainerClient($"c{Guid.NewGuid():N}");
        await container.CreateAsync();
        return container;
    }

    [Fact]
    public async Task Sync_upload_answers_200_with_the_blob_urls_after_the_blobs_exist()
    {
        var container = await ContainerAsync();
        var id = StorageEnvironment.NewId("az-sync");
        var graph = TestGraphs.Flux(256, 256, 1, seed: 3);
        graph["27"]!["inputs"]!["batch_size"] = 2;
        var (status, body, text) = await env.PostAsync("/prompt", new JsonObject
        {
            ["prompt"] = graph,
            ["id"] = id,
            ["azure_blob_upload"] = new JsonObject { ["container"] = container.Name, ["blob_prefix"] = "out/" },
        });

        Assert.True(status == HttpStatusCode.OK, text);
        var names = new[] { $"{id}_ComfyUI_00001_.png", $"{id}_ComfyUI_00002_.png" };
        Assert.Equal(names, body["filenames"]!.AsArray().Select(f => (string?)f));
        Assert.Equal(names.Select(n => container.GetBlobClient($"out/{n}").Uri.ToString()), body["images"]!.AsArray().Select(i => (string?)i));
        Assert.StartsWith($"{env.Azurite.BaseAddress}{EmulatorProcess.AzuriteAccount}/{container.Name}/out/", (string?)body["images"]![0]);
        foreach (var name in names)
        {
            var blob = await container.GetBlobClient($"out/{name}").DownloadContentAsync();
            Assert.Equal("image/png", blob.Value.Details.ContentType);
            Assert.Equal(256, SKBitmap.Decode(blob.Value.Content.ToArray()).Width);
        }
    }

    [Fact]
    public async Task Async_upload_of_webp_outputs_answers_202_and_the_blobs_arrive()
    {
        var container = await ContainerAsync();
        var id = StorageEnvironment.NewId("az-async");
        var (status, body, text) = await env.PostAsync("/workflow/text2img", new JsonObject
        {
            ["input"] = new JsonObject { ["prompt"] = "a lighthouse", ["width"] = 256, ["height"] = 256, ["steps"] = 1, ["seed"] = 9 },
            ["id"] = id,
            ["convert_output"] = new JsonObject { ["format"] = "webp" },
            ["azure_blob_upload"] = new JsonObject { ["container"] = container.Name, ["async"] = true },
        });

        Assert.True(status == HttpStatusCode.Accepted, text);
        Assert.Equal(container.Name, (string?)body["azure_blob_upload"]!["container"]);
        var name = $"{id}_ComfyUI_00001_.webp";
        BlobProperties? properties = null;
        await Eventually.UntilAsync(async () =>
        {
            var blob = container.GetBlobClient(name);
            if (!await blob.ExistsAsync()) return false;
            properties = (await blob.GetPropertiesAsync()).Value;
            return true;
        }, TimeSpan.FromSeconds(30), () => $"blob {name}; API log:\n{env.Api.Log}");
        Assert.Equal("image/webp", properties!.ContentType);
    }

    [Fact]
    public async Task A_missing_container_is_a_502_naming_the_provider_the_container_and_the_azure_error_code()
    {
        var (status, problem, text) = await env.PostAsync("/prompt", new JsonObject
        {
            ["prompt"] = TestGraphs.Flux(256, 256, 1),
            ["azure_blob_upload"] = new JsonObject { ["container"] = "no-such-container" },
        });

        Assert.True(status == HttpStatusCode.BadGateway, text);
        Assert.Equal("azure_blob_upload failed", (string?)problem["title"]);
        Assert.StartsWith("azure_blob_upload upload to container 'no-such-container' failed: ContainerNotFound, HTTP 404", (string?)problem["detail"]);
        Assert.DoesNotContain(EmulatorProcess.AzuriteKey, text);
    }

    [Fact]
    public async Task A_wrong_account_key_is_a_502_with_azurites_error_code_and_the_key_is_never_echoed_or_logged()
    {
        // Azurite verifies shared-key signatures: a key of the right shape but not the account's is refused.
        var wrongKey = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes("wrong-azure-account-key-4711-do-not-echo-0123456789abcdefghijkl"));
        var container = await ContainerAsync();
        await using var api = await ApiProcess.StartAsync(env.Simulator.BaseAddress, new Dictionary<string, string>
        {
            ["Storage__RetryDelay"] = "00:00:00.050",
            ["AZURE_STORAGE_ACCOUNT"] = EmulatorProcess.AzuriteAccount,
            ["AZURE_STORAGE_KEY"] = wrongKey,
            ["AZURE_STORAGE_BLOB_ENDPOINT"] = $"{env.Azurite.BaseAddress}{EmulatorProcess.AzuriteAccount}",
        });
        using var http = api.CreateClient();
        using var response = await http.PostAsJsonAsync("/prompt", new JsonObject
        {
            ["prompt"] = TestGraphs.Flux(256, 256, 1),
            ["azure_blob_upload"] = new JsonObject { ["container"] = container.Name, ["blob_prefix"] = "badkey/" },
        });
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.BadGateway, text);
        var problem = JsonNode.Parse(text)!;
        Assert.Equal("azure_blob_upload failed", (string?)problem["title"]);
        Assert.StartsWith($"azure_blob_upload upload to container '{container.Name}' failed: AuthorizationFailure, HTTP 403", (string?)problem["detail"]);
        Assert.Equal("AuthorizationFailure, HTTP 403", (string?)problem["code"]);
        Assert.DoesNotContain(wrongKey, text);
        Assert.DoesNotContain(wrongKey, api.Log);
        Assert.False(await container.GetBlobsAsync(BlobTraits.None, BlobStates.None, "badkey/", CancellationToken.None).GetAsyncEnumerator().MoveNextAsync());
    }

    [Fact]
    public async Task A_blob_of_the_servers_account_feeds_img2img()
    {
        var container = await ContainerAsync(); // private: only the server's credentials can read it
        var blob = container.GetBlobClient("inputs/photo.png");
        await blob.UploadAsync(new BinaryData(StorageImages.Png(288, 160)));

        var (status, body, text) = await env.PostAsync("/workflow/img2img", new JsonObject
        {
            ["input"] = new JsonObject { ["prompt"] = "winter", ["image"] = blob.Uri.ToString(), ["seed"] = 2, ["steps"] = 1 },
        });

        Assert.True(status == HttpStatusCode.OK, text);
        using var output = SKBitmap.Decode(Convert.FromBase64String((string)body["images"]![0]!));
        Assert.Equal((288, 160), (output.Width, output.Height));
    }

    [Fact]
    public async Task Bad_azure_blob_upload_fields_are_400s_naming_them()
    {
        var (status, problem, text) = await env.PostAsync("/prompt", new JsonObject
        {
            ["prompt"] = TestGraphs.Flux(256, 256, 1),
            ["azure_blob_upload"] = new JsonObject { ["blob_prefix"] = 3 },
        });

        Assert.True(status == HttpStatusCode.BadRequest, text);
        Assert.Equal(["is required and must be a non-empty string"], problem["errors"]!["azure_blob_upload.container"]!.AsArray().Select(e => (string?)e));
        Assert.Equal(["must be a string"], problem["errors"]!["azure_blob_upload.blob_prefix"]!.AsArray().Select(e => (string?)e));
    }
}
