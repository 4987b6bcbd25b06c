using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace FluxAspire.ComfySim.Discovery;

/// <summary>
/// GET /system_stats in ComfyUI 0.3.64's shape. Versions ComfyUI pins are copied; everything about Python, PyTorch
/// and the GPU honestly says it is simulated. RAM figures are this machine's.
/// </summary>
internal static class SystemStats
{
    public const string ComfyUiVersion = "0.3.64";
    public const string RequiredFrontendVersion = "1.27.10";
    public const string RequiredTemplatesVersion = "0.1.95";
    public const long SimulatedVramBytes = 24L * 1024 * 1024 * 1024;

    public static JsonObject Build(SimOptions options)
    {
        var (total, free) = Ram();
        return new JsonObject
        {
            ["system"] = new JsonObject
            {
                ["os"] = OperatingSystem.IsWindows() ? "nt" : "posix",
                ["ram_total"] = total,
                ["ram_free"] = free,
                ["comfyui_version"] = ComfyUiVersion,
                ["required_frontend_version"] = RequiredFrontendVersion,
                ["installed_templates_version"] = null,
                ["required_templates_version"] = RequiredTemplatesVersion,
                ["python_version"] = $"FluxAspire.ComfySim ({RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription})",
                ["pytorch_version"] = "none (simulated, no PyTorch)",
                ["embedded_python"] = false,
                ["argv"] = new JsonArray([.. options.Argv.Select(a => JsonValue.Create(a))]),
            },
            ["devices"] = new JsonArray(new JsonObject
            {
                ["name"] = "cuda:0 FluxAspire ComfySim (simulated, no GPU)",
                ["type"] = "cuda",
                ["index"] = 0,
                ["vram_total"] = SimulatedVramBytes,
                ["vram_free"] = SimulatedVramBytes,
                ["torch_vram_total"] = 0,
                ["torch_vram_free"] = 0,
            }),
        };
    }

    /// <summary>Total memory as the runtime sees it (container limits included) and what is available (psutil's "available").</summary>
    private static (long Total, long Free) Ram()
    {
        var info = GC.GetGCMemoryInfo();
        var total = info.TotalAvailableMemoryBytes;
        var free = Math.Max(total - info.MemoryLoadBytes, 0);
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                if (line.StartsWith("MemAvailable:", StringComparison.Ordinal)
                    && long.TryParse(line["MemAvailable:".Length..].Trim().Split(' ')[0], out var kib))
                {
                    free = Math.Min(kib * 1024, total);
                    break;
                }
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }

        return (total, free);
    }
}
