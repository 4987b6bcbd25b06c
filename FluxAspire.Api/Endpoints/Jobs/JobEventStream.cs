using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using FluxAspire.Api.Pipeline.Comfy;
using FluxAspire.Api.Pipeline.Jobs;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Endpoints.Jobs;

/// <summary>
/// GET /jobs/{id}/events as Server-Sent Events: "snapshot" (the job body) on connect, then the job's events from the
/// store — "status", "progress" and, for a job submitted with "previews": true, "preview" — and a final "succeeded", "failed" or "canceled" event with the final job body,
/// after which the stream ends. Each event carries the store's event id; a client that reconnects with Last-Event-ID
/// continues right after it. The snapshot's id is the position the stream continues from ("0" for the start), so a
/// client that drops right after it resumes without a gap. Comment lines keep idle connections open.
/// </summary>
/// <remarks>
/// Written by hand rather than with TypedResults.ServerSentEvents: that result writes through SseFormatter, which can
/// set each event's id (SseItem.EventId) but has no way to write a comment line, and the keep-alive must be a comment
/// (": keep-alive"), not an event, so EventSource clients see nothing and their Last-Event-ID is left alone.
/// </remarks>
public sealed class JobEventStream(JobRecord snapshot, string? lastEventId) : IResult, IEndpointMetadataProvider
{
    public const string ContentType = "text/event-stream";

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var services = httpContext.RequestServices;
        var store = services.GetRequiredService<IJobStore>();
        var keepAlive = services.GetRequiredService<IOptions<JobsApiOptions>>().Value.EventsKeepAlive;
        var includeTraceback = services.GetRequiredService<IOptions<ComfyOptions>>().Value.IncludeTraceback;
        var json = services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var time = services.GetRequiredService<TimeProvider>();
        var response = httpContext.Response;
        var aborted = httpContext.RequestAborted;
        var id = snapshot.Id;

        response.ContentType = ContentType;
        response.Headers.CacheControl = "no-cache, no-transform";
        response.Headers["X-Accel-Buffering"] = "no"; // nginx and friends: pass each event through at once
        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        async Task WriteAsync(string eventId, string name, object data)
        {
            var text = $"id: {eventId}\nevent: {name}\ndata: {JsonSerializer.Serialize(data, data.GetType(), json)}\n\n";
            await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), aborted);
            await response.Body.FlushAsync(aborted);
        }

        var events = store.ReadEventsAsync(id, lastEventId, aborted).GetAsyncEnumerator(aborted);
        Task<bool>? next = null;
        try
        {
            await WriteAsync(lastEventId ?? "0", "snapshot", JobResponse.From(snapshot, includeTraceback));
            next = events.MoveNextAsync().AsTask();
            while (true)
            {
                bool more;
                try
                {
                    more = await next.WaitAsync(keepAlive, time, aborted);
                }
                catch (TimeoutException)
                {
                    await response.Body.WriteAsync(": keep-alive\n\n"u8.ToArray(), aborted);
                    await response.Body.FlushAsync(aborted);
                    continue;
                }

                if (!more)
                {
                    break;
                }

                var change = events.Current;
                next = null;
                switch (change.Kind)
                {
                    case JobEventKind.Ended:
                        var final = await store.GetAsync(id, aborted) ?? snapshot with { Status = change.Status };
                        await WriteAsync(change.Id, JobProblems.Name(change.Status), JobResponse.From(final, includeTraceback));
                        return;
                    case JobEventKind.Progress when change.Progress is { } progress:
                        await WriteAsync(change.Id, "progress", JobProgressBody.From(progress)!);
                        break;
                    case JobEventKind.Preview when change.Preview is { } preview:
                        await WriteAsync(change.Id, "preview", JobPreviewEvent.From(preview));
                        break;
                    case JobEventKind.Preview:
                        break; // the job has ended; its final image replaced the previews

                    default:
                        await WriteAsync(change.Id, "status", new JobStatusEvent(change.Status, change.Attempt, change.At.UtcDateTime));
                        break;
                }

                next = events.MoveNextAsync().AsTask();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && aborted.IsCancellationRequested)
        {
            // The client went away.
        }
        finally
        {
            // An async iterator cannot be disposed while a MoveNextAsync is pending; the aborted token ends that one.
            if (next is not null)
            {
                await Task.WhenAny(next);
            }

            await events.DisposeAsync();
        }
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(string), [ContentType]));

    /// <summary>The data of a "preview" event: the sampler's step and the latent as a small image (a data URL).</summary>
    private sealed record JobPreviewEvent(
        [property: JsonPropertyName("step")] int Step,
        [property: JsonPropertyName("max")] int Max,
        [property: JsonPropertyName("node")] string? Node,
        [property: JsonPropertyName("image")] string Image)
    {
        public static JobPreviewEvent From(JobPreview preview) =>
            new(preview.Step, preview.Max, preview.Node, $"data:{preview.ContentType};base64,{Convert.ToBase64String(preview.Image)}");
    }

    /// <summary>The data of a "status" event.</summary>
    private sealed record JobStatusEvent(
        [property: JsonPropertyName("status"), JsonConverter(typeof(SnakeCaseEnumConverter<JobStatus>))] JobStatus Status,
        [property: JsonPropertyName("attempt")] int Attempt,
        [property: JsonPropertyName("at")] DateTime At);
}
