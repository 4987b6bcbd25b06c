using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Amazon.S3;
using Amazon.S3.Model;
using FluxAspire.Tests.Api.Integration;
using FluxAspire.Tests.Api.Webhooks;
using SkiaSharp;

namespace FluxAspire.Tests.Api.Storage;

/// <summary>s3 uploads and s3:// inputs against s3rver, a real S3-protocol server on loopback.</summary>
[Collection(StorageCollection.Name)]
public sealed class S3StorageTests(StorageEnvironment env)
{
    private readonly HttpClient _http = env.Api.CreateClient();

    private async Task<(byte[] Bytes, string ContentType)> GetObjectAsync(string bucket, string key)
    {
        using var s3 = env.S3Client();
        using var response = await s3.GetObjectAsync(bucket, key);
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer);
        return (buffer.ToArray(), response.Headers.ContentType);
    }

    private async Task<IReadOnlyList<string>> WaitForKeysAsync(string prefix, int count)
    {
        using var s3 = env.S3Client();
        IReadOnlyList<string> keys = [];
        await Eventually.UntilAsync(async () =>
        {
            var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = StorageEnvironment.OutputBucket, Prefix = prefix });
            keys = (listed.S3Objects ?? []).Select(o => o.Key).Order().ToList();
            return keys.Count >= count;
        }, TimeSpan.FromSeconds(30), () => $"{count} objects under {prefix} (have {keys.Count}); API log:\n{env.Api.Log}");
        return keys;
    }

    [Fact]
    public async Task Sync_upload_answers_200_with_s3_urls_after_the_objects_are_in_the_bucket()
    {
        var id = StorageEnvironment.NewId("s3-sync");
        var (status, body, text) = await env.PostAsync("/prompt", new JsonObject
        {
            ["prompt"] = TestGraphs.Flux(256, 256, 1, seed: 5),
            ["id"] = id,
            ["s3"] = new JsonObject { ["bucket"] = StorageEnvironment.OutputBucket, ["prefix"] = "sync/" },
        });

        Assert.True(status == HttpStatusCode.OK, text);
        var filename = $"{id}_ComfyUI_00001_.png";
        Assert.Equal([filename], body["filenames"]!.AsArray().Select(f => (string?)f));
        Assert.Equal([$"s3://{StorageEnvironment.OutputBucket}/sync/{filename}"], body["images"]!.AsArray().Select(i => (string?)i));
        Assert.True((double)body["stats"]!["upload_time"]! > 0);

        var (bytes, contentType) = await GetObjectAsync(StorageEnvironment.OutputBucket, $"sync/{filename}");
        Assert.Equal("image/png", contentType);
        Assert.Equal(256, SKBitmap.Decode(bytes).Width);
    }

    [Fact]
    public async Task Outputs_over_the_threshold_go_as_multipart_uploads_and_small_ones_as_one_put()
    {
        var id = StorageEnvironment.NewId("s3-multipart");
        var large = await env.PostAsync("/prompt", new JsonObject
        {
            ["prompt"] = TestGraphs.Flux(1024, 1024, 1, seed: 8),
            ["id"] = id,
            ["s3"] = new JsonObject { ["bucket"] = StorageEnvironment.OutputBucket, ["prefix"] = "multipart/" },
        });
        var small = await env.PostAsync("/prompt", new JsonObject
        {
            ["prompt"] = TestGraphs.Flux(256, 256, 1, seed: 8),
            ["id"] = id + "-small",
            ["s3"] = new JsonObject { ["bucket"] = StorageEnvironment.OutputBucket, ["prefix"] = "multipart/" },
        });
        Assert.True(large.Status == HttpStatusCode.OK, large.Text);
        Assert.True(small.Status == HttpStatusCode.OK, small.Text);

        using var s3 = env.S3Client();
        var big = await s3.GetObjectMetadataAsync(StorageEnvironment.OutputBucket, $"multipart/{id}_ComfyUI_00001_.png");
        var little = await s3.GetObjectMetadataAsync(StorageEnvironment.OutputBucket, $"multipart/{id}-small_ComfyUI_00001_.png");
        Assert.True(big.ContentLength > StorageEnvironment.MultipartThreshold, $"the 1024² output is only {big.ContentLength} bytes");
        Assert.True(little.ContentLength < StorageEnvironment.MultipartThreshold, $"the 256² output is {little.ContentLength} bytes");
        // s3rver's request log shows how each object came: CreateMultipartUpload (?uploads), UploadPart, or one PUT.
        var bigKey = $"multipart/{id}_ComfyUI_00001_.png";
        await Eventually.UntilAsync(() => Task.FromResult(env.S3.Log.Contains($"{bigKey}?partNumber=1&uploadId=")), TimeSpan.FromSeconds(10),
            () => $"s3rver logged the part upload of {bigKey}:\n{env.S3.Log}");
        Assert.Contains($"{bigKey}?uploads ", env.S3.Log);
        Assert.DoesNotContain($"multipart/{id}-small_ComfyUI_00001_.png?", env.S3.Log);
        var (bytes, contentType) = await GetObjectAsync(StorageEnvironment.OutputBucket, $"multipart/{id}_ComfyUI_00001_.png");
        Assert.Equal("image/png", contentType);
        Assert.Equal(1024, SKBitmap.Decode(bytes).Width);
    }

    [Fact]
    public async Task An_uploaded_result_is_not_kept_in_the_result_cache()
    {
        // The result cache is on in this environment: a plain request stores its result, so the same graph again is a hit.
        var seed = (ulong)Random.Shared.Next(1_000_000, 2_000_000);
        using (var uploaded = await _http.PostAsJsonAsync("/prompt", new JsonObject
        {
            ["prompt"] = TestGraphs.Flux(256, 256, 1, seed: seed),
            ["s3"] = new JsonObject { ["bucket"] = StorageEnvironment.OutputBucket, ["prefix"] = "nocache/" },
        }))
        {
            Assert.Equal(HttpStatusCode.OK, uploaded.StatusCode);
            Assert.Equal("miss", uploaded.Headers.GetValues("X-Cache").Single());
        }

        using var plain = await _http.PostAsJsonAsync("/prompt", new JsonObject { ["prompt"] = TestGraphs.Flux(256, 256, 1, seed: seed) });
        using var again = await _http.PostAsJsonAsync("/prompt", new JsonObject { ["prompt"] = TestGraphs.Flux(256, 256, 1, seed: seed) });

        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal("miss", plain.Headers.GetValues("X-Cache").Single());
        Assert.Equal("hit", again.Headers.GetValues("X-Cache").Single());
    }

    [Fact]
    public async Task Async_upload_answers_202_at_once_and_every_image_arrives()
    {
        var id = StorageEnvironment.NewId("s3-async");
        var graph = TestGraphs.Flux(256, 256, 1);
        graph["27"]!["inputs"]!["batch_size"] = 3;
        var (status, body, text) = await env.PostAsync("/prompt", new JsonObject
        {
            ["prompt"] = graph,
            ["id"] = id,
            ["s3"] = new JsonObject { ["bucket"] = StorageEnvironment.OutputBucket, ["prefix"] = $"async/{id}/", ["async"] = true },
        });

        Assert.True(status == HttpStatusCode.Accepted, text);
        Assert.Equal("ok", (string?)body["status"]);
        Assert.Null(body["images"]);

        var keys = await WaitForKeysAsync($"async/{id}/", 3);
        Assert.Equal(new[] { 1, 2, 3 }.Select(n => $"async/{id}/{id}_ComfyUI_0000{n}_.png"), keys);
    }

    [Fact]
    public async Task Webhook_v2_lists_the_s3_urls_of_webp_outputs()
    {
        var id = StorageEnvironment.NewId("s3-webp");
        var graph = TestGraphs.Flux(256, 256, 1);
        graph["27"]!["inputs"]!["batch_size"] = 2;
        var hook = $"/hooks/{id}";
        var (status, _, text) = await env.PostAsync("/prompt", new JsonObject
        {
            ["prompt"] = graph,
            ["id"] = id,
            ["webhook_v2"] = new Uri(env.Receiver.BaseAddress, hook).ToString(),
            ["convert_output"] = new JsonObject { ["format"] = "webp", ["options"] = new JsonObject { ["quality"] = 70 } },
            ["s3"] = new JsonObject { ["bucket"] = StorageEnvironment.OutputBucket, ["prefix"] = "webp/" },
        });
        Assert.True(status == HttpStatusCode.Accepted, text);

        var delivered = (await env.Receiver.WaitForAsync(hook)).Single();
        StandardWebhooksVerifier.Verify(WebhookEnvironment.Secret, delivered);
        var webhook = JsonNode.Parse(delivered.BodyText)!;
        Assert.Equal("prompt.complete", (string?)webhook["type"]);
        var names = new[] { $"{id}_ComfyUI_00001_.webp", $"{id}_ComfyUI_00002_.webp" };
        Assert.Equal(names, webhook["filenames"]!.AsArray().Select(f => (string?)f));
        Assert.Equal(names.Select(n => $"s3://{StorageEnvironment.OutputBucket}/webp/{n}"), webhook["images"]!.AsArray().Select(i => (string?)i));
        foreach (var name in names)
        {
            var (bytes, contentType) = await GetObjectAsync(StorageEnvironment.OutputBucket, $"webp/{name}");
            Assert.Equal("image/webp", contentType);
            Assert.Equal("RIFF", System.Text.Encoding.ASCII.GetString(bytes, 0, 4));
        }
    }

    [Fact]
    public async Task A_missing_bucket_is_a_502_naming_the_provider_the_bucket_and_the_s3_error_code()
    {
        var (status, problem, text) = await env.PostAsync("/prompt", new JsonObject
        {
            ["prompt"] = TestGraphs.Flux(256, 256, 1),
            ["s3"] = new JsonObject { ["bucket"] = "no-such-bucket", ["prefix"] = "x/" },
        });

        Assert.True(status == HttpStatusCode.BadGateway, text);
        Assert.Equal("s3 failed", (string?)problem["title"]);
        Assert.StartsWith("s3 upload to bucket 'no-such-bucket' failed: NoSuchBucket, HTTP 404", (string?)problem["detail"]);
        Assert.Equal("NoSuchBucket, HTTP 404", (string?)problem["code"]);
    }

    [Fact]
    public async Task Wrong_per_request_keys_fail_with_the_s3_error_code_and_the_keys_are_never_echoed()
    {
        // s3rver checks the access key id (it does not recompute SigV4 signatures), so the wrong key is the id.
        const string keyId = "AKIAWRONGKEY4711";
        const string secret = "wrong-secret-do-not-echo-4711";
        var id = StorageEnvironment.NewId("s3-badkeys");
        var (status, problem, text) = await env.PostAsync("/prompt", new JsonObject
        {
            ["prompt"] = TestGraphs.Flux(256, 256, 1),
            ["id"] = id,
            ["s3"] = new JsonObject { ["bucket"] = StorageEnvironment.OutputBucket, ["prefix"] = "badkeys/" },
            ["credentials"] = new JsonArray(new JsonObject
            {
                ["url_pattern"] = $"s3://{StorageEnvironment.OutputBucket}/**",
                ["auth"] = new JsonObject { ["type"] = "s3", ["access_key_id"] = keyId, ["secret_access_key"] = secret },
            }),
        });

        Assert.True(status == HttpStatusCode.BadGateway, text);
        Assert.StartsWith($"s3 upload to bucket '{StorageEnvironment.OutputBucket}' failed: InvalidAccessKeyId, HTTP 403", (string?)problem["detail"]);
        foreach (var leaked in new[] { keyId, secret })
        {
            Assert.DoesNotContain(leaked, text);
            Assert.DoesNotContain(leaked, env.Api.Log);
        }
        using var s3 = env.S3Client();
        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = StorageEnvironment.OutputBucket, Prefix = "badkeys/" });
        Assert.Empty(listed.S3Objects ?? []);
    }

    [Fact]
    public async Task Bad_s3_fields_are_400s_naming_them()
    {
        var (status, problem, text) = await env.PostAsync("/workflow/text2img", new JsonObject
        {
            ["input"] = new JsonObject { ["prompt"] = "p" },
            ["s3"] = new JsonObject { ["bucket"] = "Not_A_Bucket", ["async"] = "soon", ["region"] = "x" },
        });

        Assert.True(status == HttpStatusCode.BadRequest, text);
        Assert.Equal(["must be an S3 bucket name (3-63 lowercase letters, digits, '.' and '-')"], problem["errors"]!["s3.bucket"]!.AsArray().Select(e => (string?)e));
        Assert.Equal(["must be true or false"], problem["errors"]!["s3.async"]!.AsArray().Select(e => (string?)e));
        Assert.Equal(["is not a known field (bucket, prefix, async)"], problem["errors"]!["s3.region"]!.AsArray().Select(e => (string?)e));
    }

    [Fact]
    public async Task An_s3_image_input_feeds_img2img()
    {
        var key = $"inputs/{Guid.NewGuid():N}.png";
        using (var s3 = env.S3Client())
        {
            await s3.PutObjectAsync(new PutObjectRequest
            {
                BucketName = StorageEnvironment.InputBucket,
                Key = key,
                InputStream = new MemoryStream(StorageImages.Png(320, 192)),
                ContentType = "application/octet-stream", // the type is told by the bytes, as for any storage object
                UseChunkEncoding = false, // s3rver stores aws-chunked bodies as sent
            });
        }

        var (status, body, text) = await env.PostAsync("/workflow/img2img", new JsonObject
        {
            ["input"] = new JsonObject { ["prompt"] = "night", ["image"] = $"s3://{StorageEnvironment.InputBucket}/{key}", ["seed"] = 1, ["steps"] = 1 },
        });

        Assert.True(status == HttpStatusCode.OK, text);
        using var output = SKBitmap.Decode(Convert.FromBase64String((string)body["images"]![0]!));
        Assert.Equal((320, 192), (output.Width, output.Height));
    }

    [Fact]
    public async Task A_missing_s3_image_input_is_a_400_naming_the_input_and_the_s3_error()
    {
        var (status, problem, text) = await env.PostAsync("/workflow/img2img", new JsonObject
        {
            ["input"] = new JsonObject { ["prompt"] = "night", ["image"] = $"s3://{StorageEnvironment.InputBucket}/no/such.png" },
        });

        Assert.True(status == HttpStatusCode.BadRequest, text);
        var error = (string)problem["errors"]!["input.image"]![0]!;
        Assert.Contains($"s3 read of bucket '{StorageEnvironment.InputBucket}' failed: NoSuchKey, HTTP 404", error);
    }

    [Fact]
    public async Task An_s3_checkpoint_url_in_a_graph_is_downloaded_once_to_its_hashed_cache_name()
    {
        var model = System.Text.Encoding.UTF8.GetBytes($"s3 checkpoint {Guid.NewGuid()}");
        var key = $"models/ckpt-{Guid.NewGuid():N}.safetensors";
        using var s3 = env.S3Client();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = StorageEnvironment.InputBucket, Key = key, InputStream = new MemoryStream(model), UseChunkEncoding = false });
        var url = $"s3://{StorageEnvironment.InputBucket}/{key}";
        var cacheName = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(url)))
            .Replace('+', '-').Replace('/', '_')[..32] + ".safetensors";
        var graph = TestGraphs.Flux(256, 256, 1);
        graph["30"]!["inputs"]!["ckpt_name"] = url;

        var (status, body, text) = await env.PostAsync("/prompt", new JsonObject { ["prompt"] = graph.DeepClone() });

        Assert.True(status == HttpStatusCode.OK, text);
        Assert.Equal(cacheName, (string?)body["prompt"]!["30"]!["inputs"]!["ckpt_name"]);
        Assert.Equal(model, await File.ReadAllBytesAsync(Path.Combine(env.ModelsDirectory, "checkpoints", cacheName)));

        // Cached by URL: gone from the bucket, the same URL still runs from the file it left.
        await s3.DeleteObjectAsync(StorageEnvironment.InputBucket, key);
        var (again, _, againText) = await env.PostAsync("/prompt", new JsonObject { ["prompt"] = graph.DeepClone() });
        Assert.True(again == HttpStatusCode.OK, againText);
    }

    [Fact]
    public async Task Download_reads_an_s3_model_into_the_models_folder()
    {
        var model = System.Text.Encoding.UTF8.GetBytes($"s3 model {Guid.NewGuid()}");
        var key = $"models/{Guid.NewGuid():N}.safetensors";
        using (var s3 = env.S3Client())
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = StorageEnvironment.InputBucket, Key = key, InputStream = new MemoryStream(model), UseChunkEncoding = false });
        }

        var name = $"s3-{Guid.NewGuid():N}.safetensors";
        var (status, body, text) = await env.PostAsync("/download", new JsonObject
        {
            ["url"] = $"s3://{StorageEnvironment.InputBucket}/{key}",
            ["model_type"] = "loras",
            ["filename"] = name,
            ["wait"] = true,
        });

        Assert.True(status == HttpStatusCode.OK, text);
        Assert.Equal(model.Length, (long)body["size"]!);
        Assert.Equal(model, await File.ReadAllBytesAsync(Path.Combine(env.ModelsDirectory, "loras", name)));
    }
}

internal static class StorageImages
{
    public static byte[] Png(int width, int height)
    {
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(new SKColor(200, 40, 90));
        using var image = SKImage.FromBitmap(bitmap);
        return image.Encode(SKEncodedImageFormat.Png, 100).ToArray();
    }
}
