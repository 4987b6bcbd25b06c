using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Pipeline.Cleanup;

/// <summary>Says once at start-up whether job files are deleted from ComfyUI's folders.</summary>
internal sealed partial class CleanupStartupLog(IOptions<ComfyFolderOptions> options, ILogger<CleanupStartupLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var folders = options.Value;
        if (folders.InputDirectory is null && folders.OutputDirectory is null)
        {
            LogOff();
        }
        else
        {
            LogOn(folders.InputDirectory ?? "(not set)", folders.OutputDirectory ?? "(not set)");
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(LogLevel.Warning, "Cleanup is off: ComfyUI:InputDirectory and ComfyUI:OutputDirectory are not set, so uploaded inputs and outputs stay on ComfyUI's disk")]
    private partial void LogOff();

    [LoggerMessage(LogLevel.Information, "Cleanup is on: job files are deleted from {InputDirectory} and {OutputDirectory} when jobs end")]
    private partial void LogOn(string inputDirectory, string outputDirectory);
}
