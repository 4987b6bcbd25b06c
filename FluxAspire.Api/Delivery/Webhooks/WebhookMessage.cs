namespace FluxAspire.Api.Delivery.Webhooks;

/// <summary>One POST to deliver: <paramref name="Body"/> writes the exact JSON that is sent (and signed), on every attempt.</summary>
/// <param name="JobId">The request id; also the Standard Webhooks webhook-id of a signed message.</param>
/// <param name="Kind">What it is, for logs: "prompt.complete", "output.complete 1/2", ...</param>
public sealed record WebhookMessage(string JobId, Uri Url, WebhookBody Body, bool Signed, string Kind)
{
    /// <summary>The span current when it was queued (the job's), whose trace its delivery joins.</summary>
    public string? TraceParent { get; init; } = System.Diagnostics.Activity.Current?.Id;
}
