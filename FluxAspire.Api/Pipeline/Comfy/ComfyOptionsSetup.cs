using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Pipeline.Comfy;

/// <summary>Fills <see cref="ComfyOptions.BaseUri"/> from configuration and fails start-up clearly when there is none.</summary>
internal sealed class ComfyOptionsSetup(IConfiguration configuration) : IPostConfigureOptions<ComfyOptions>, IValidateOptions<ComfyOptions>
{
    public void PostConfigure(string? name, ComfyOptions options) =>
        options.BaseUri ??= ComfyEndpoint.Resolve(configuration.GetConnectionString(ComfyEndpoint.ConnectionStringName), options.BaseUrl);

    public ValidateOptionsResult Validate(string? name, ComfyOptions options)
    {
        if (options.BaseUri is null)
        {
            return ValidateOptionsResult.Fail(
                "No ComfyUI address: set ConnectionStrings__comfyui (a URL such as http://127.0.0.1:8188, or Endpoint=<url>) " +
                "or ComfyUI__BaseUrl.");
        }

        try
        {
            ComfyBackendAddress.ReadExtra(configuration);
        }
        catch (InvalidOperationException ex)
        {
            return ValidateOptionsResult.Fail(ex.Message);
        }

        return options.ReconnectMinDelay > options.ReconnectMaxDelay
            ? ValidateOptionsResult.Fail("ComfyUI:ReconnectMinDelay must not exceed ComfyUI:ReconnectMaxDelay.")
            : ValidateOptionsResult.Success;
    }
}
