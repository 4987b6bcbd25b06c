using System.Text.Json;

namespace FluxAspire.Api.Pipeline.Problems;

/// <summary>A request value that parsed as JSON but cannot be used: <see cref="RelativeField"/> is its path inside the
/// value being read (the serializer adds the path of that value), <see cref="Problem"/> says what is wrong.</summary>
public sealed class InvalidJsonValueException(string relativeField, string problem) : JsonException($"{relativeField}: {problem}")
{
    public string RelativeField { get; } = relativeField;

    public string Problem { get; } = problem;
}
