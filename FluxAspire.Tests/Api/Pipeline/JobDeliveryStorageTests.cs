using System.Text.Json.Nodes;
using FluxAspire.Api.Delivery.Uploads;
using FluxAspire.Api.Pipeline;
using FluxAspire.Api.Pipeline.Jobs;
using FluxAspire.Api.Pipeline.Outputs;
using StackExchange.Redis;

namespace FluxAspire.Tests.Api.Pipeline;

/// <summary>The delivery is parsed once, on the replica that took the request; whichever replica ends the job reads it
/// back from Redis, so the typed options must survive the job hash unchanged.</summary>
public class JobDeliveryStorageTests
{
    [Fact]
    public void A_jobs_typed_delivery_reads_back_from_its_redis_hash_unchanged()
    {
        var errors = new Dictionary<string, string[]>();
        var convert = ConvertOutputOptions.Parse(JsonNode.Parse("""{"format": "webp", "options": {"quality": 70, "lossless": true}}""")!.AsObject(), errors);
        Assert.Empty(errors);
        var delivery = new JobDelivery
        {
            Webhook = new Uri("https://example.com/legacy"),
            WebhookV2 = new Uri("https://example.com/v2?token=a%20b"),
            ConvertOutput = convert,
            HttpUpload = new HttpUploadRequest(new Uri("https://uploads.example.com/bucket/"), Async: true),
        };
        var request = new JobRequest("job-1", new JsonObject { ["9"] = new JsonObject { ["class_type"] = "SaveImage" } }, DateTimeOffset.UnixEpoch, TimeSpan.Zero)
        {
            Delivery = delivery,
        };

        var read = StoredJob.Read([new HashEntry("request", StoredJob.Serialize(request)), new HashEntry("status", "queued")]);

        Assert.NotNull(read);
        Assert.Equal(delivery, read.Request.Delivery);
        Assert.True(read.Request.Delivery.AnswersAtOnce);
    }

    [Fact]
    public void A_job_without_delivery_reads_back_with_none()
    {
        var request = new JobRequest("job-2", [], DateTimeOffset.UnixEpoch, TimeSpan.Zero);

        var read = StoredJob.Read([new HashEntry("request", StoredJob.Serialize(request))]);

        Assert.Equal(JobDelivery.None, read!.Request.Delivery);
        Assert.False(read.Request.Delivery.AnswersAtOnce);
    }
}
