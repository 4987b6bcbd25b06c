namespace FluxAspire.ComfySim;

internal static class SimUrls
{
    /// <summary>ComfyUI's --listen takes a comma-separated list of addresses.</summary>
    public static string[] For(SimOptions options) =>
        [.. options.Listen.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(host => host.Contains(':') && !host.StartsWith('[') ? $"[{host}]" : host)
            .Select(host => $"http://{host}:{options.Port}")];
}
