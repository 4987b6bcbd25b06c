namespace FluxAspire.Api.Pipeline.Comfy;

/// <summary>
/// Where one ComfyUI is, and its folders as this process sees them (for deleting each job's files). The first is
/// ConnectionStrings:comfyui (its folders: ComfyUI:InputDirectory / OutputDirectory, see ComfyFolderOptions); more come from ComfyUI:Backends:&lt;n&gt;, each a URL
/// (<c>ComfyUI__Backends__0=http://…</c>) with optional <c>…__0__InputDirectory</c> / <c>…__0__OutputDirectory</c>.
/// </summary>
public sealed record ComfyBackendAddress(string Name, Uri? BaseUri, string? InputDirectory, string? OutputDirectory)
{
    public const string BackendsSection = "Backends";

    public const string PrimaryName = ComfyEndpoint.ConnectionStringName;

    /// <summary>The name of the backend at <paramref name="index"/>: comfyui, then comfyui-1, comfyui-2, …</summary>
    public static string NameAt(int index) => index == 0 ? PrimaryName : $"{PrimaryName}-{index}";

    /// <summary>The HttpClient of this backend (the first keeps the name it always had).</summary>
    public string HttpClientName => Name == PrimaryName ? ComfyClient.HttpClientName : $"{ComfyClient.HttpClientName}-{Name}";

    /// <summary>As <see cref="ReadExtra"/>, or null when an entry is invalid.</summary>
    public static IReadOnlyList<ComfyBackendAddress>? TryReadExtra(IConfiguration configuration)
    {
        try
        {
            return ReadExtra(configuration);
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The backends ComfyUI:Backends lists, in index order, after the first; the first's address is resolved with
    /// the options (<see cref="ComfyOptionsSetup"/>). Bad URLs fail start-up naming the key, never echoing the value.</summary>
    public static IReadOnlyList<ComfyBackendAddress> ReadExtra(IConfiguration configuration)
    {
        var section = configuration.GetSection($"{ComfyOptions.SectionName}:{BackendsSection}");
        var backends = new List<ComfyBackendAddress>();
        foreach (var entry in section.GetChildren().OrderBy(c => int.TryParse(c.Key, out var n) ? n : int.MaxValue).ThenBy(c => c.Key, StringComparer.Ordinal))
        {
            var key = $"{ComfyOptions.SectionName}:{BackendsSection}:{entry.Key}";
            var raw = entry.Value ?? entry["Url"];
            if (string.IsNullOrWhiteSpace(raw))
            {
                throw new InvalidOperationException($"{key} must be a ComfyUI URL, e.g. http://127.0.0.1:8189.");
            }

            var uri = ComfyEndpoint.Resolve(raw, null, key);
            backends.Add(new ComfyBackendAddress(NameAt(backends.Count + 1), uri, entry["InputDirectory"], entry["OutputDirectory"]));
        }

        return backends;
    }
}
