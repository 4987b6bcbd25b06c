using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Operations.Backpressure;

public static class BackpressureExtensions
{
    public static IHostApplicationBuilder AddBackpressure(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<BackpressureOptions>().BindConfiguration(BackpressureOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IPostConfigureOptions<BackpressureOptions>, RecipeVariableOverride>();
        builder.Services.AddSingleton<ExecutionTimes>();
        builder.Services.AddSingleton<QueuePressure>();
        return builder;
    }

    /// <summary>Marks a job-submitting endpoint: 429 + Retry-After at the queue limit, listed in OpenAPI.</summary>
    public static RouteHandlerBuilder WithBackpressure(this RouteHandlerBuilder endpoint) =>
        endpoint.AddEndpointFilter<BackpressureFilter>().ProducesProblem(StatusCodes.Status429TooManyRequests);

    private sealed class RecipeVariableOverride(IConfiguration configuration) : IPostConfigureOptions<BackpressureOptions>
    {
        public void PostConfigure(string? name, BackpressureOptions options)
        {
            if (configuration[BackpressureOptions.RecipeVariable] is not { Length: > 0 } value)
            {
                return;
            }

            // An unparsable value must stop the start-up, not silently mean "no limit".
            options.MaxQueueDepth = int.TryParse(value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var depth)
                ? depth
                : throw new OptionsValidationException(nameof(BackpressureOptions), typeof(BackpressureOptions),
                    [$"{BackpressureOptions.RecipeVariable} must be a whole number (0 = no limit), not '{value}'"]);
        }
    }
}
