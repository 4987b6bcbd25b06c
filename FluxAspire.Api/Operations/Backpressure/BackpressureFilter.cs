using System.Globalization;
using Microsoft.Net.Http.Headers;

namespace FluxAspire.Api.Operations.Backpressure;

/// <summary>Refuses new jobs with 429 and Retry-After while the queue is at MAX_QUEUE_DEPTH, so callers (and Salad's
/// load balancer, which also sees /ready turn 503) go elsewhere instead of piling up here.</summary>
internal sealed class BackpressureFilter(QueuePressure pressure) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var reading = await pressure.MeasureAsync(context.HttpContext.RequestAborted);
        if (!reading.AtLimit)
        {
            return await next(context);
        }

        var seconds = (int)reading.RetryAfter.TotalSeconds;
        context.HttpContext.Response.Headers[HeaderNames.RetryAfter] = seconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many jobs queued",
            detail: $"This instance has {reading.Depth} jobs queued or running (MAX_QUEUE_DEPTH is {reading.Limit}); retry in about {seconds} s.",
            extensions: new Dictionary<string, object?>
            {
                ["queue_depth"] = reading.Depth,
                ["max_queue_depth"] = reading.Limit,
                ["retry_after"] = seconds,
            });
    }
}
