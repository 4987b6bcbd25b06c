using System.Text.Json;
using System.Text.Json.Serialization;

namespace FluxAspire.Api.Endpoints.Jobs;

/// <summary>Writes an enum as its snake_case name ("execution_failed"); the OpenAPI document lists the names.</summary>
public sealed class SnakeCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false)
    where TEnum : struct, Enum;
