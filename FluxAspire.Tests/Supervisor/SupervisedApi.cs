using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace FluxAspire.Tests.Supervisor;

/// <summary>
/// The real API started with ComfyUI:Launch, so that it runs its "ComfyUI" itself: normally the simulator
/// (`dotnet FluxAspire.ComfySim.dll --port …`) on a free port that ConnectionStrings:comfyui points at, or any command.
/// </summary>
public sealed partial class SupervisedApi : IAsyncDisposable
{
    private readonly string? _baseDirectory;

    private SupervisedApi(ApiProcess api, int comfyPort, string? baseDirectory)
    {
        (Api, ComfyPort, _baseDirectory) = (api, comfyPort, baseDirectory);
    }

    public ApiProcess Api { get; }

    public int ComfyPort { get; }

    /// <summary>The pid of every child the API started, in order.</summary>
    public IReadOnlyList<int> ChildPids => StartedLine().Matches(Api.Log).Select(m => int.Parse(m.Groups[1].Value)).ToList();

    public int CurrentChild => ChildPids[^1];

    /// <summary>The API's pid, as the child's parent (the child is started directly: setsid and setpriv exec in place).</summary>
    public int ApiPid => ProcessTable.ParentOf(CurrentChild);

    public HttpClient CreateClient() => Api.CreateClient();

    public HttpClient CreateComfyClient() => new() { BaseAddress = new Uri($"http://127.0.0.1:{ComfyPort}"), Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The simulator as the child, with the given launch settings (ComfyUI__Launch__…) on top of quick test timings.</summary>
    public static async Task<SupervisedApi> StartWithSimulatorAsync(IReadOnlyDictionary<string, string>? settings = null, bool waitForReady = true)
    {
        var port = FreePort.Next();
        var baseDirectory = Directory.CreateTempSubdirectory("supervised-comfysim-").FullName;
        var simulator = RepoPaths.ProjectOutput("FluxAspire.ComfySim", "FluxAspire.ComfySim.dll");
        return await StartAsync("dotnet", [simulator, "--listen", "127.0.0.1", "--port", port.ToString(), "--base-directory", baseDirectory, "--step-ms", "5"],
            port, baseDirectory, settings, waitForReady);
    }

    /// <summary>
    /// <paramref name="instances"/> simulators as the children (ComfyUI:Launch:Instances): instance i on the first's port + i,
    /// in its own base directory, the arguments using the {instance} and {port} placeholders as a multi-GPU node's would.
    /// </summary>
    public static async Task<SupervisedApi> StartWithSimulatorsAsync(int instances, IReadOnlyDictionary<string, string>? settings = null)
    {
        var port = FreePort.NextRun(instances);
        var baseDirectory = Directory.CreateTempSubdirectory("supervised-comfysims-").FullName;
        var simulator = RepoPaths.ProjectOutput("FluxAspire.ComfySim", "FluxAspire.ComfySim.dll");
        var all = new Dictionary<string, string> { ["ComfyUI__Launch__Instances"] = instances.ToString(CultureInfo.InvariantCulture) };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }

        return await StartAsync("dotnet",
            [simulator, "--listen", "127.0.0.1", "--port", "{port}", "--base-directory", Path.Combine(baseDirectory, "{instance}"), "--step-ms", "5"],
            port, baseDirectory, all, waitForReady: true);
    }

    /// <summary>Any command as the child; ConnectionStrings:comfyui points at a free port nothing listens on.</summary>
    public static Task<SupervisedApi> StartWithCommandAsync(string command, string[] arguments, IReadOnlyDictionary<string, string>? settings = null) =>
        StartAsync(command, arguments, FreePort.Next(), null, settings, waitForReady: false);

    private static async Task<SupervisedApi> StartAsync(
        string command, string[] arguments, int port, string? baseDirectory, IReadOnlyDictionary<string, string>? settings, bool waitForReady)
    {
        var environment = new Dictionary<string, string>
        {
            ["ComfyUI__Launch__Command"] = command,
            ["ComfyUI__Launch__StartTimeout"] = "00:00:30",
            ["ComfyUI__Launch__RestartMinDelay"] = "00:00:00.200",
            ["ComfyUI__Launch__RestartMaxDelay"] = "00:00:01",
            ["ComfyUI__Launch__StopTimeout"] = "00:00:05",
            ["Warmup__RetryDelay"] = "00:00:00.200",
        };
        for (var i = 0; i < arguments.Length; i++)
        {
            environment[$"ComfyUI__Launch__Arguments__{i}"] = arguments[i];
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        try
        {
            var api = await ApiProcess.StartAsync(new Uri($"http://127.0.0.1:{port}"), environment, waitForReady);
            return new SupervisedApi(api, port, baseDirectory);
        }
        catch
        {
            DeleteDirectory(baseDirectory);
            throw;
        }
    }

    /// <summary>Waits until the API's log holds <paramref name="text"/>; fails with the log otherwise.</summary>
    public async Task WaitForLogAsync(string text, TimeSpan timeout) =>
        Assert.True(await Eventually.TryUntilAsync(() => Api.Log.Contains(text, StringComparison.Ordinal), timeout),
            $"the API did not log \"{text}\" within {timeout}:\n{Api.Log}");

    /// <summary>Polls GET /ready until its status is <paramref name="wanted"/>; returns every reason seen on the way.</summary>
    public async Task<List<string>> WaitForReadyAsync(HttpStatusCode wanted, TimeSpan timeout)
    {
        using var http = Api.CreateClient(TimeSpan.FromSeconds(5));
        var seen = new List<string>();
        var answered = await Eventually.TryUntilAsync(async () =>
        {
            using var response = await http.GetAsync("/ready");
            var reasons = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["reasons"]!.AsArray().Select(r => (string)r!);
            seen.AddRange(reasons.Except(seen));
            return response.StatusCode == wanted;
        }, timeout);
        Assert.True(answered, $"/ready did not answer {(int)wanted} within {timeout}; reasons seen: {string.Join(" | ", seen)}\n{Api.Log}");
        return seen;
    }

    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        DeleteDirectory(_baseDirectory);
    }

    private static void DeleteDirectory(string? directory)
    {
        if (directory is null) return;
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [GeneratedRegex(@"Started ComfyUI as pid (\d+)")]
    private static partial Regex StartedLine();
}
