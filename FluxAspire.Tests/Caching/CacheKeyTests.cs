using System.Text;
using System.Text.Json.Nodes;
using FluxAspire.Api.Delivery.Uploads;
using FluxAspire.Api.Pipeline;
using FluxAspire.Api.Pipeline.Caching;
using FluxAspire.Api.Pipeline.Inputs;
using FluxAspire.Api.Pipeline.Jobs;
using FluxAspire.Api.Pipeline.Outputs;
using FluxAspire.Api.Pipeline.Prompts;
using FluxAspire.Tests.Api.Integration;
using FluxAspire.Tests.Api.Workflows;

namespace FluxAspire.Tests.Caching;

public class CacheKeyTests
{
    private static JobRequest Job(JsonObject graph, string id = "job-1", JobDelivery? delivery = null) =>
        new(id, PromptGraph.WithIdPrefix(graph, id), DateTimeOffset.UtcNow, TimeSpan.Zero) { Delivery = delivery ?? JobDelivery.None };

    private static string Key(JsonObject graph, string id = "job-1", JobDelivery? delivery = null) => CacheKey.For(Job(graph, id, delivery));

    /// <summary>The delivery as the submission parser makes it from a convert_output field (which must be valid).</summary>
    private static JobDelivery Convert(string json)
    {
        var errors = new Dictionary<string, string[]>();
        var options = ConvertOutputOptions.Parse(JsonNode.Parse(json)!.AsObject(), errors);
        Assert.Empty(errors);
        return new JobDelivery { ConvertOutput = options };
    }

    [Fact]
    public void A_key_is_64_lower_case_hex_digits_and_the_same_for_the_same_request()
    {
        var key = Key(TestGraphs.Flux());

        Assert.Matches("^[0-9a-f]{64}$", key);
        Assert.Equal(key, Key(TestGraphs.Flux()));
    }

    [Fact]
    public void Key_order_at_any_level_does_not_matter()
    {
        var graph = TestGraphs.Flux();
        var reordered = new JsonObject();
        foreach (var (nodeId, node) in graph.Reverse())
        {
            var inputs = new JsonObject();
            foreach (var (name, value) in node!["inputs"]!.AsObject().Reverse())
            {
                inputs[name] = value?.DeepClone();
            }

            reordered[nodeId] = new JsonObject { ["inputs"] = inputs, ["class_type"] = node["class_type"]!.DeepClone() };
        }

        Assert.NotEqual(graph.ToJsonString(), reordered.ToJsonString());
        Assert.Equal(Key(graph), Key(reordered));
    }

    [Fact]
    public void The_job_id_and_its_filename_prefix_are_not_part_of_the_key()
    {
        Assert.Equal(Key(TestGraphs.Flux(), id: "first"), Key(TestGraphs.Flux(), id: "second"));
        // The caller's own prefix is: it names the files returned.
        Assert.NotEqual(Key(TestGraphs.Flux(prefix: "ComfyUI")), Key(TestGraphs.Flux(prefix: "Other")));
    }

    [Fact]
    public void Seed_size_and_steps_change_the_key()
    {
        var keys = new[]
        {
            Key(TestGraphs.Flux()),
            Key(TestGraphs.Flux(seed: 8)),
            Key(TestGraphs.Flux(width: 640)),
            Key(TestGraphs.Flux(height: 640)),
            Key(TestGraphs.Flux(steps: 3)),
        };

        Assert.Equal(keys.Length, keys.Distinct().Count());
    }

    [Fact]
    public void Convert_output_changes_the_key_by_what_it_produces()
    {
        var png = Key(TestGraphs.Flux());
        var jpeg = Key(TestGraphs.Flux(), delivery: Convert("""{"format": "jpeg"}"""));
        var jpegDefaultsSpelledOut = Key(TestGraphs.Flux(), delivery: Convert("""{"format": "jpeg", "options": {"quality": 80, "progressive": false}}"""));
        var jpeg90 = Key(TestGraphs.Flux(), delivery: Convert("""{"format": "jpeg", "options": {"quality": 90}}"""));
        var jpg = Key(TestGraphs.Flux(), delivery: Convert("""{"format": "jpg"}"""));
        var webp = Key(TestGraphs.Flux(), delivery: Convert("""{"format": "webp"}"""));

        Assert.Equal(jpeg, jpegDefaultsSpelledOut);
        Assert.Equal(5, new[] { png, jpeg, jpeg90, jpg, webp }.Distinct().Count());
    }

    [Fact]
    public void Delivery_targets_do_not_change_the_key()
    {
        var plain = Key(TestGraphs.Flux());

        Assert.Equal(plain, Key(TestGraphs.Flux(), delivery: new JobDelivery { HttpUpload = new HttpUploadRequest(new Uri("https://example.com/up"), Async: false) }));
        Assert.Equal(plain, Key(TestGraphs.Flux(), delivery: new JobDelivery { WebhookV2 = new Uri("https://example.com/hook") }));
    }

    [Fact]
    public void Uploaded_images_are_keyed_by_their_bytes_not_their_per_job_names()
    {
        JobRequest WithImage(string id, byte[] content)
        {
            var graph = Img2Img();
            graph["10"]!["inputs"]!["image"] = $"{id}_1.png";
            return Job(graph, id) with { ImageInputs = [new PendingImageInput("10", "image", $"{id}_1.png", content, "image/png")] };
        }

        var a = CacheKey.For(WithImage("a", [1, 2, 3]));
        var b = CacheKey.For(WithImage("b", [1, 2, 3]));
        var other = CacheKey.For(WithImage("c", [1, 2, 4]));

        Assert.Equal(a, b);
        Assert.NotEqual(a, other);
        Assert.Contains("sha256:", Encoding.UTF8.GetString(CacheKey.Canonical(WithImage("a", [1, 2, 3]))));
        Assert.DoesNotContain("a_1.png", Encoding.UTF8.GetString(CacheKey.Canonical(WithImage("a", [1, 2, 3]))));
    }

    [Fact]
    public void The_canonical_form_has_sorted_keys_and_no_job_id()
    {
        var canonical = Encoding.UTF8.GetString(CacheKey.Canonical(Job(TestGraphs.Flux(), id: "req-77")));

        Assert.DoesNotContain("req-77", canonical);
        Assert.StartsWith("""{"v":"fluxaspire-result-cache/1","graph":{"27":{"class_type":"EmptySD3LatentImage","inputs":{"batch_size":1,"height":512,"width":512}},"30":""", canonical);
        Assert.EndsWith("""9":{"class_type":"SaveImage","inputs":{"filename_prefix":"ComfyUI","images":["8",0]}}},"convert_output":null}""", canonical);
    }

    [Fact]
    public void Only_a_workflow_request_that_leaves_out_a_random_default_draws_one()
    {
        var text2img = BuiltInWorkflows.Get("text2img");

        Assert.True(text2img.DrawsRandomDefault(JsonNode.Parse("""{"prompt": "p"}""")));
        Assert.True(text2img.DrawsRandomDefault(JsonNode.Parse("""{"prompt": "p", "seed": null}""")));
        Assert.False(text2img.DrawsRandomDefault(JsonNode.Parse("""{"prompt": "p", "seed": 0}""")));
        Assert.False(text2img.DrawsRandomDefault(JsonNode.Parse("""{"prompt": "p", "seed": "42"}""")));
    }

    private static JsonObject Img2Img() => JsonNode.Parse("""
        {
          "10": {"class_type": "LoadImage", "inputs": {"image": "placeholder"}},
          "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "ComfyUI", "images": ["10", 0]}}
        }
        """)!.AsObject();
}
