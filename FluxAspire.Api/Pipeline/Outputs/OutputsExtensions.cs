namespace FluxAspire.Api.Pipeline.Outputs;

public static class OutputsExtensions
{
    /// <summary>convert_output: JPEG/WebP re-encoding of outputs, applied where outputs are collected.</summary>
    public static IHostApplicationBuilder AddOutputs(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<OutputConverter>();
        return builder;
    }
}
