namespace FluxAspire.Api.Pipeline.Outputs;

public static class OutputsExtensions
{
    /// <summary>The pooled buffers outputs are read into, and convert_output: JPEG/WebP re-encoding of outputs, applied where outputs are collected.</summary>
    public static IHostApplicationBuilder AddOutputs(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<OutputsOptions>().BindConfiguration(OutputsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<OutputBuffers>();
        builder.Services.AddSingleton<OutputConverter>();
        return builder;
    }
}
