using System.Text.Json.Serialization;

namespace FluxAspire.Api.Endpoints.Interrupts;

/// <summary>The recipe's answer: {id, interrupted: "success" | "failed"}.</summary>
public sealed record InterruptResponse([property: JsonPropertyName("id")] string Id, [property: JsonPropertyName("interrupted")] string Interrupted);
