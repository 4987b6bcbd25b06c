namespace FluxAspire.Api.Endpoints.Interrupts;

/// <param name="Id">The request id given to (or returned by) /prompt or /workflow/*. Declared non-nullable so the
/// OpenAPI document (and Scalar's example body) shows a string, not null; a body without it is still a 400.</param>
public sealed record InterruptRequest(string Id);
