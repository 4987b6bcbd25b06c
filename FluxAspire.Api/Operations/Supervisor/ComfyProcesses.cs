using FluxAspire.Api.Pipeline.Comfy;
using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Operations.Supervisor;

/// <summary>Where each supervised ComfyUI child stands (ComfyUI:Launch:Instances of them), for /ready; one state that is
/// never a reason when nothing is supervised.</summary>
public sealed class ComfyProcesses(IOptions<ComfyLaunchOptions> options, TimeProvider time)
{
    public IReadOnlyList<ComfyProcessState> All { get; } =
        Enumerable.Range(0, options.Value.Enabled ? options.Value.Instances : 1).Select(_ => new ComfyProcessState(options, time)).ToList();

    /// <summary>Empty while one child answers (the others' jobs go to it) or nothing is supervised; otherwise a line per
    /// child, naming its backend when there are several.</summary>
    public IReadOnlyList<string> NotReadyReasons
    {
        get
        {
            var reasons = All.Select(state => state.NotReadyReason).ToList();
            if (reasons.Any(reason => reason is null))
            {
                return [];
            }

            return All.Count == 1 ? [reasons[0]!] : reasons.Select((reason, i) => $"{ComfyBackendAddress.NameAt(i)}: {reason}").ToList();
        }
    }
}
