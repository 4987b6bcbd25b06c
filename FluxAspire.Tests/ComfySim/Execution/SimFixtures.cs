using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace FluxAspire.Tests.ComfySim.Execution;

/// <summary>A simulator with latent2rgb previews and 20 ms sampler steps.</summary>
public sealed class PreviewSimulatorFixture : IAsyncLifetime
{
    public SimulatorProcess Sim { get; private set; } = null!;

    public async Task InitializeAsync() => Sim = await SimulatorProcess.StartAsync("--preview-method", "latent2rgb", "--step-ms", "20");

    public async Task DisposeAsync() => await Sim.DisposeAsync();
}

/// <summary>A simulator with zero-cost steps and no previews.</summary>
public sealed class FastSimulatorFixture : IAsyncLifetime
{
    public SimulatorProcess Sim { get; private set; } = null!;

    public async Task InitializeAsync() => Sim = await SimulatorProcess.StartAsync();

    public async Task DisposeAsync() => await Sim.DisposeAsync();
}

/// <summary>A simulator whose sampler is slow enough to interrupt and to queue behind (50 ms steps, previews on).</summary>
public sealed class SlowSimulatorFixture : IAsyncLifetime
{
    public SimulatorProcess Sim { get; private set; } = null!;

    public async Task InitializeAsync() => Sim = await SimulatorProcess.StartAsync("--preview-method", "latent2rgb", "--step-ms", "50");

    public async Task DisposeAsync() => await Sim.DisposeAsync();
}

/// <summary>Requests built from the captured ones, and small HTTP helpers.</summary>
internal static class SimRequests
{
    /// <summary>The captured FLUX graph (512², 4 steps) with a client_id, a seed and optionally other steps.</summary>
    public static JsonObject Flux(string? clientId, ulong seed = 972054013131368, int steps = 4, string? text = null, bool extraPngInfo = false)
    {
        var request = Captures.Request("http:run1_cold:post");
        if (!extraPngInfo) request.Remove("extra_data");
        if (clientId is null) request.Remove("client_id");
        else request["client_id"] = clientId;
        var graph = request["prompt"]!.AsObject();
        graph["31"]!["inputs"]!["seed"] = seed;
        graph["31"]!["inputs"]!["steps"] = steps;
        if (text is not null) graph["6"]!["inputs"]!["text"] = text;
        return request;
    }

    public static async Task<(HttpStatusCode Status, string Text)> PostAsync(HttpClient http, string path, JsonNode body)
    {
        using var response = await http.PostAsync(path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public static async Task<string> QueueAsync(HttpClient http, JsonNode body)
    {
        var (status, text) = await PostAsync(http, "/prompt", body);
        Assert.True(status == HttpStatusCode.OK, $"POST /prompt gave {status}: {text}");
        return JsonNode.Parse(text)!["prompt_id"]!.GetValue<string>();
    }

    public static async Task<JsonObject> GetJsonAsync(HttpClient http, string path) =>
        (await http.GetFromJsonAsync<JsonObject>(path))!;

    /// <summary>Forgets every cached node (applied before the next prompt starts), so the next run is cold.</summary>
    public static async Task FreeMemoryAsync(HttpClient http) =>
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, "/free", new JsonObject { ["unload_models"] = true, ["free_memory"] = true })).Status);

    /// <summary>The captured message types of a ws:* record as tokens (the capture keeps a subset of each run's messages).</summary>
    public static IReadOnlyList<string> CapturedTokens(JsonNode messages) =>
        [.. messages.AsArray().Select(m => m!["json"] is JsonObject json
            ? json["type"]!.GetValue<string>() switch
            {
                "executing" => $"executing:{json["data"]!["node"]?.GetValue<string>() ?? "null"}",
                "executed" => $"executed:{json["data"]!["node"]!.GetValue<string>()}",
                var type => type,
            }
            : $"bin:{m["event"]}")];

    public static Dictionary<string, int> Counts(IEnumerable<string> tokens) =>
        tokens.Select(t => t.StartsWith("bin:", StringComparison.Ordinal) ? "binary" : t.Split(':')[0])
            .GroupBy(t => t).ToDictionary(g => g.Key, g => g.Count());

    public static Dictionary<string, int> CapturedCounts(JsonNode counts) =>
        counts.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<int>());

    public static void AssertSubsequence(IReadOnlyList<string> subsequence, IReadOnlyList<string> sequence)
    {
        var i = 0;
        foreach (var token in sequence)
        {
            if (i < subsequence.Count && subsequence[i] == token) i++;
        }

        Assert.True(i == subsequence.Count,
            $"captured messages are not in this order:\ncaptured: {string.Join(", ", subsequence)}\nexpected: {string.Join(", ", sequence)}");
    }

    /// <summary>The full message sequence of a FLUX run (client_id set), as ComfyUI 0.3.64 sends it.</summary>
    public static List<string> FluxRun(string[] executedNodes, int steps, bool previews, bool negotiated)
    {
        List<string> tokens = ["status", "status", "execution_start", "execution_cached"];
        foreach (var node in executedNodes)
        {
            tokens.Add("progress_state");
            tokens.Add($"executing:{node}");
            if (node == "31")
            {
                for (var i = 0; i < steps; i++)
                {
                    tokens.AddRange(!previews ? ["progress_state", "progress"]
                        : negotiated ? ["progress_state", "bin:4", "progress"]
                        : ["progress_state", "progress", "bin:1"]);
                }
            }

            if (node == "9") tokens.Add("executed:9");
            tokens.Add("progress_state");
        }

        tokens.AddRange(["execution_success", "status", "executing:null"]);
        return tokens;
    }
}
