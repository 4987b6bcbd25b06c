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
/// after which the stream ends. While the job is queued, the stream also reads its place in the queue every
/// <see cref="JobsApiOptions.QueuePositionInterval"/> and sends a "queue" event when it changed: the place is not an
/// event of the job (jobs ahead of it starting move it), so it is read, never stored. Each event carries the store's event id; a client that reconnects with Last-Event-ID
/// continues right after it. The snapshot's id is the position the stream continues from ("0" for the start), so a
/// client that drops right after it resumes without a gap; a "queue" event carries the id of the last event before it, likewise. Comment lines keep idle connections open.
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
        var queue = services.GetRequiredService<IJobQueue>();
        var apiOptions = services.GetRequiredService<IOptions<JobsApiOptions>>().Value;
        var keepAlive = apiOptions.EventsKeepAlive;
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
        var resumeFrom = lastEventId ?? "0";
        var queued = snapshot.Status == JobStatus.Queued;
        int? position = null;
        var lastWrite = time.GetTimestamp();
        try
        {
            position = await JobsApi.QueuePositionAsync(snapshot, queue, aborted);
            await WriteAsync(resumeFrom, "snapshot", JobResponse.From(snapshot, includeTraceback) with { QueuePosition = position });
            next = events.MoveNextAsync().AsTask();
            while (true)
            {
                bool more;
                try
                {
                    var quiet = TimeSpan.FromTicks(Math.Max(0, (keepAlive - time.GetElapsedTime(lastWrite)).Ticks));
                    more = await next.WaitAsync(queued && apiOptions.QueuePositionInterval < quiet ? apiOptions.QueuePositionInterval : quiet, time, aborted);
                }
                catch (TimeoutException)
                {
                    if (queued && await queue.PositionAsync(id, aborted) is { } place && place != position)
                    {
                        position = place;
                        lastWrite = time.GetTimestamp();
                        await WriteAsync(resumeFrom, "queue", new JobQueueEvent(JobStatus.Queued, place));
                    }
                    else if (time.GetElapsedTime(lastWrite) >= keepAlive)
                    {
                        lastWrite = time.GetTimestamp();
                        await response.Body.WriteAsync(": keep-alive\n\n"u8.ToArray(), aborted);
                        await response.Body.FlushAsync(aborted);
                    }

                    continue;
                }

                if (!more)
                {
                    break;
                }

                var change = events.Current;
                next = null;
                resumeFrom = change.Id;
                lastWrite = time.GetTimestamp();
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
                        if (queued != (change.Status == JobStatus.Queued))
                        {
                            queued = !queued;
                            position = null; // queued again (handed back): its new place goes out at the next read
                        }

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

    /// <summary>The data of a "queue" event: a queued job's new place (<see cref="JobResponse.QueuePosition"/>).</summary>
    private sealed record JobQueueEvent(
        [property: JsonPropertyName("status"), JsonConverter(typeof(SnakeCaseEnumConverter<JobStatus>))] JobStatus Status,
        [property: JsonPropertyName("queue_position")] int QueuePosition);

    /// <summary>The data of a "status" event.</summary>
    private sealed record JobStatusEvent(
        [property: JsonPropertyName("status"), JsonConverter(typeof(SnakeCaseEnumConverter<JobStatus>))] JobStatus Status,
        [property: JsonPropertyName("attempt")] int Attempt,
        [property: JsonPropertyName("at")] DateTime At);
}
