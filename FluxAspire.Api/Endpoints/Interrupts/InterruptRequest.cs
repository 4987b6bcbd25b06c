namespace FluxAspire.Api.Endpoints.Interrupts;

/// <param name="Id">The request id given to (or returned by) /prompt or /workflow/*.</param>
public sealed record InterruptRequest(string? Id);
