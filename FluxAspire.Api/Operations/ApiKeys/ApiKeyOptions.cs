namespace FluxAspire.Api.Operations.ApiKeys;

/// <summary>The optional API key. Bound from "Api" (env Api__Key); API_KEY is read when Api:Key is unset. Off when neither is set.</summary>
public sealed class ApiKeyOptions
{
    public const string SectionName = "Api";

    /// <summary>Same meaning as Api:Key, in the style of the recipe's other variables (MAX_QUEUE_DEPTH, WEBHOOK_SECRET).</summary>
    public const string EnvironmentVariable = "API_KEY";

    public string? Key { get; set; }

    internal static string? Read(IConfiguration configuration) =>
        configuration[$"{SectionName}:{nameof(Key)}"] is { Length: > 0 } key ? key : configuration[EnvironmentVariable];
}
