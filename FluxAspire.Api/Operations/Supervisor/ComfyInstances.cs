using System.Globalization;
using FluxAspire.Api.Pipeline.Comfy;
using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Operations.Supervisor;

/// <summary>One supervised ComfyUI child: its backend name, GPU and port, and its launch settings with
/// <c>{instance}</c> and <c>{port}</c> filled in.</summary>
internal sealed record ComfyInstance(int Index, string Name, int Port, ComfyLaunchOptions Launch, string? CudaVisibleDevices);

/// <summary>
/// ComfyUI:Launch:Instances: N children of one API on a multi-GPU node. Each child after the first is an ordinary
/// ComfyUI:Backends entry, so the job pipeline drives them as it drives any several backends (ComfyBackends, ComfyLanes).
/// </summary>
internal static class ComfyInstances
{
    public const string InstancePlaceholder = "{instance}";
    public const string PortPlaceholder = "{port}";

    private static readonly string InstancesKey = $"{ComfyLaunchOptions.SectionName}:{nameof(ComfyLaunchOptions.Instances)}";
    private static readonly string BackendsKey = $"{ComfyOptions.SectionName}:{ComfyBackendAddress.BackendsSection}";

    /// <summary>
    /// Adds a ComfyUI:Backends entry per child after the first (its URL: the first's with port + i; its folders:
    /// ComfyUI:InputDirectory / OutputDirectory for that index) and fills in the first's folders. Runs before the
    /// ComfyUI clients are registered. A bad combination stops start-up with one line naming the keys.
    /// </summary>
    public static void AddInstanceBackends(IConfigurationManager configuration)
    {
        var raw = configuration[InstancesKey];
        if (string.IsNullOrWhiteSpace(configuration[$"{ComfyLaunchOptions.SectionName}:{nameof(ComfyLaunchOptions.Command)}"])
            || !int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count <= 1)
        {
            return; // one child, or a bad value the options' validation reports
        }

        if (configuration.GetSection(BackendsKey).GetChildren().Any())
        {
            throw new InvalidOperationException($"{InstancesKey} and {BackendsKey} cannot both be set: the supervised instances are the backends.");
        }

        var first = ComfyEndpoint.Resolve(configuration.GetConnectionString(ComfyEndpoint.ConnectionStringName), configuration["ComfyUI:BaseUrl"])
            ?? throw new InvalidOperationException($"{InstancesKey} needs ConnectionStrings:comfyui (the first instance's URL; instance i listens on its port + i).");
        var folders = new[] { "InputDirectory", "OutputDirectory" }
            .Select(name => (Name: name, Value: configuration[$"{ComfyOptions.SectionName}:{name}"]))
            .Where(folder => folder.Value is not null)
            .ToList();

        var added = new Dictionary<string, string?>();
        foreach (var folder in folders)
        {
            added[$"{ComfyOptions.SectionName}:{folder.Name}"] = Fill(folder.Value!, 0, first.Port);
        }

        for (var i = 1; i < count; i++)
        {
            var port = first.Port + i;
            added[$"{BackendsKey}:{i - 1}:Url"] = new UriBuilder(first) { Port = port }.Uri.ToString();
            foreach (var folder in folders)
            {
                added[$"{BackendsKey}:{i - 1}:{folder.Name}"] = Fill(folder.Value!, i, port);
            }
        }

        configuration.AddInMemoryCollection(added);
    }

    /// <summary>The children to run, one per instance, with their own arguments, port and GPU.</summary>
    public static IReadOnlyList<ComfyInstance> Describe(IOptions<ComfyLaunchOptions> options, IOptions<ComfyOptions> comfyOptions)
    {
        var launch = options.Value;
        var firstPort = comfyOptions.Value.BaseUri?.Port ?? 0;
        return Enumerable.Range(0, launch.Instances).Select(i =>
        {
            var port = firstPort + i;
            var own = new ComfyLaunchOptions
            {
                Command = launch.Command,
                Arguments = launch.Arguments.Select(a => Fill(a, i, port)).ToList(),
                WorkingDirectory = launch.WorkingDirectory,
                StartTimeout = launch.StartTimeout,
                RestartMinDelay = launch.RestartMinDelay,
                RestartMaxDelay = launch.RestartMaxDelay,
                StableAfter = launch.StableAfter,
                StopTimeout = launch.StopTimeout,
            };
            // One child keeps whatever GPUs the node gives it, as it always did; several get one each.
            var gpu = launch.Instances > 1 ? i.ToString(CultureInfo.InvariantCulture) : null;
            return new ComfyInstance(i, ComfyBackendAddress.NameAt(i), port, own, gpu);
        }).ToList();
    }

    private static string Fill(string value, int index, int port) => value
        .Replace(InstancePlaceholder, index.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace(PortPlaceholder, port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
}
