using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Operations.Salad;

/// <summary>The GPUs the node shows, as `nvidia-smi -L` lists them (Salad:GpuListCommand). A missing program, a failing
/// one or one that does not answer within 15 s lists none.</summary>
public sealed class GpuInventory(IOptions<SaladOptions> options)
{
    private static readonly TimeSpan ListTimeout = TimeSpan.FromSeconds(15);

    public readonly record struct Listing(IReadOnlyList<string> Gpus, string Explanation);

    public async Task<Listing> ListAsync(CancellationToken cancellationToken)
    {
        var command = options.Value.GpuListCommand;
        using var process = new Process
        {
            StartInfo = new ProcessStartInfo(command, "-L") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false },
        };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            return new Listing([], $"{command} -L could not start: {ex.Message}");
        }

        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(ListTimeout);
        try
        {
            var output = process.StandardOutput.ReadToEndAsync(bounded.Token);
            var errors = process.StandardError.ReadToEndAsync(bounded.Token);
            await process.WaitForExitAsync(bounded.Token);
            var gpus = (await output).Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Where(line => line.StartsWith("GPU ", StringComparison.Ordinal)).ToArray();
            if (process.ExitCode != 0)
            {
                return new Listing([], $"{command} -L exited with code {process.ExitCode}: {FirstLine(await errors)}");
            }

            return new Listing(gpus, gpus.Length == 0 ? $"{command} -L lists no GPU" : string.Join("; ", gpus));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            return new Listing([], $"{command} -L did not answer within {ListTimeout.TotalSeconds:0} s");
        }
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
