using System.Text.RegularExpressions;

namespace FluxAspire.Api.Pipeline.Prompts;

/// <summary>Request ids become ComfyUI prompt ids and file name prefixes, so they are limited to file-name-safe characters.</summary>
public static partial class RequestIds
{
    public const string Rule = "must be 1 to 128 characters of letters, digits, '-', '_' or '.', not starting with '.'";

    public static string New() => Guid.NewGuid().ToString();

    public static bool IsValid(string id) => SafeId().IsMatch(id);

    [GeneratedRegex("^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}\\z")]
    private static partial Regex SafeId();
}
